#include "storage/backends/iscsi/iscsi_sysfs.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace virtus::storage::iscsi {

namespace {

Error internalError(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage, std::move(message));
}

template <class T>
std::optional<T> number(std::string_view s) {
  T value{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return value;
}

}  // namespace

Result<unsigned> sessionHost(os::FileSystem& fs, const std::string& sysRoot,
                             const std::string& sessionId) {
  const std::string devicePath = sysRoot + "/class/iscsi_session/session" + sessionId + "/device";
  TRY_ASSIGN(auto entries, fs.listDirectory(devicePath));
  std::sort(entries.begin(), entries.end());
  for (const std::string& entry : entries) {
    if (!entry.starts_with("target"))
      continue;
    std::string_view rest = std::string_view(entry).substr(6);
    auto host = number<unsigned>(rest.substr(0, rest.find(':')));
    if (!host || rest.find(':') == std::string_view::npos)
      return internalError("Failed to parse target '" + entry + "'");
    return *host;
  }
  return internalError("Failed to get host number for iSCSI session with path '" + devicePath +
                       "'");
}

}  // namespace virtus::storage::iscsi
