#include "storage/backends/iscsi/iscsi_sysfs.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string_view>
#include <tuple>

namespace virtus::storage::iscsi {

namespace {

Error internalError(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage, std::move(message));
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

template <class T>
std::optional<T> number(std::string_view s) {
  T value{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return value;
}

// "2:0:0:1" as four numbers.
std::optional<std::array<unsigned, 4>> parseHctl(std::string_view name) {
  std::array<unsigned, 4> parts{};
  for (std::size_t i = 0; i < 4; ++i) {
    auto colon = i < 3 ? name.find(':') : name.size();
    if (colon == std::string_view::npos)
      return std::nullopt;
    auto value = number<unsigned>(name.substr(0, colon));
    if (!value)
      return std::nullopt;
    parts[i] = *value;
    name.remove_prefix(i < 3 ? colon + 1 : colon);
  }
  return parts;
}

// A sysfs attribute holding one integer (libvirt's virFileReadValueInt/Ullong wording).
template <class T>
Result<T> readNumber(os::FileSystem& fs, const std::string& path) {
  TRY_ASSIGN(std::string text, fs.readFile(path));
  auto value = number<T>(trimmed(text));
  if (!value)
    return internalError("Invalid integer value '" + std::string(trimmed(text)) + "' in file '" +
                         path + "'");
  return *value;
}

// The block device of a LUN directory: "block/NAME" (current kernels) or an entry
// "block:NAME" (old ones); nullopt while the LUN has none.
Result<std::optional<std::string>> blockDeviceOf(os::FileSystem& fs, const std::string& lunDir) {
  TRY_ASSIGN(auto entries, fs.listDirectory(lunDir));
  std::sort(entries.begin(), entries.end());
  for (const std::string& entry : entries) {
    if (entry == "block") {
      TRY_ASSIGN(auto devices, fs.listDirectory(lunDir + "/block"));
      if (devices.empty())
        return std::optional<std::string>();
      std::sort(devices.begin(), devices.end());
      return std::optional<std::string>(devices.front());
    }
    if (entry.starts_with("block:")) {
      if (entry.size() == 6)
        return internalError("Failed to parse block name " + entry);
      return std::optional<std::string>(entry.substr(6));
    }
  }
  return std::optional<std::string>();
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

Result<std::vector<ScsiLun>> hostLuns(os::FileSystem& fs, const std::string& sysRoot,
                                      unsigned host) {
  const std::string devicesDir = sysRoot + "/bus/scsi/devices";
  TRY_ASSIGN(auto entries, fs.listDirectory(devicesDir));
  std::vector<ScsiLun> luns;
  for (const std::string& entry : entries) {
    auto hctl = parseHctl(entry);
    if (!hctl || (*hctl)[0] != host)
      continue;
    ScsiLun lun;
    lun.host = host;
    lun.bus = (*hctl)[1];
    lun.target = (*hctl)[2];
    lun.lun = (*hctl)[3];
    const std::string lunDir = devicesDir + "/" + entry;
    if (!fs.exists(lunDir + "/type"))
      return internalError("Failed to determine if " + entry + " is a Direct-Access LUN");
    TRY_ASSIGN(lun.type, readNumber<int>(fs, lunDir + "/type"));
    if (lun.type != kScsiTypeDisk && lun.type != kScsiTypeRom)
      continue;
    TRY_ASSIGN(auto block, blockDeviceOf(fs, lunDir));
    if (!block)
      continue;
    lun.blockDevice = *block;
    const std::string sizePath = fs.exists(lunDir + "/block")
                                     ? lunDir + "/block/" + lun.blockDevice + "/size"
                                     : sysRoot + "/block/" + lun.blockDevice + "/size";
    TRY_ASSIGN(lun.sectors, readNumber<std::uint64_t>(fs, sizePath));
    luns.push_back(std::move(lun));
  }
  std::sort(luns.begin(), luns.end(), [](const ScsiLun& a, const ScsiLun& b) {
    return std::tie(a.bus, a.target, a.lun) < std::tie(b.bus, b.target, b.lun);
  });
  return luns;
}

}  // namespace virtus::storage::iscsi
