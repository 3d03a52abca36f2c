#include "storage/backends/iscsi_direct/iscsi_direct_names.h"

#include <charconv>

namespace virtus::storage::iscsi_direct {

namespace {

constexpr std::string_view kVolumePrefix = "unit:0:0:";

std::optional<unsigned> parseUnsigned(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

}  // namespace

std::string volumeName(unsigned lun) {
  return std::string(kVolumePrefix) + std::to_string(lun);
}

std::string volumePath(std::string_view portal, std::string_view target, unsigned lun) {
  return "ip-" + std::string(portal) + "-iscsi-" + std::string(target) + "-lun-" +
         std::to_string(lun);
}

std::optional<unsigned> lunOfVolumeName(std::string_view name) {
  if (!name.starts_with(kVolumePrefix))
    return std::nullopt;
  return parseUnsigned(name.substr(kVolumePrefix.size()));
}

std::optional<int> loginStatusOf(std::string_view libiscsiError) {
  auto status = libiscsiError.find("Status:");
  if (status == std::string_view::npos)
    return std::nullopt;
  auto open = libiscsiError.find('(', status);
  auto close = open == std::string_view::npos ? open : libiscsiError.find(')', open);
  if (close == std::string_view::npos)
    return std::nullopt;
  auto value = parseUnsigned(libiscsiError.substr(open + 1, close - open - 1));
  if (!value)
    return std::nullopt;
  return static_cast<int>(*value);
}

}  // namespace virtus::storage::iscsi_direct
