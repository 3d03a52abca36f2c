#include "storage/backends/scsi/scsi_luns.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <tuple>

#include "storage/backends/scsi/sysfs_attr.h"

namespace virtus::storage::scsi {

namespace {

Error internalError(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage, std::move(message));
}

// "2:0:0:1" as four numbers.
std::optional<std::array<unsigned, 4>> parseHctl(std::string_view name) {
  std::array<unsigned, 4> parts{};
  for (std::size_t i = 0; i < 4; ++i) {
    auto colon = i < 3 ? name.find(':') : name.size();
    if (colon == std::string_view::npos)
      return std::nullopt;
    auto value = parseNumber<unsigned>(name.substr(0, colon));
    if (!value)
      return std::nullopt;
    parts[i] = *value;
    name.remove_prefix(i < 3 ? colon + 1 : colon);
  }
  return parts;
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

}  // namespace virtus::storage::scsi
