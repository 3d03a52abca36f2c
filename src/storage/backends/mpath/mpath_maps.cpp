#include "storage/backends/mpath/mpath_maps.h"

#include <algorithm>

#include "storage/backends/scsi/sysfs_attr.h"

namespace virtus::storage::mpath {

namespace {

constexpr std::string_view kMultipathUuidPrefix = "mpath-";

// The minor of a "MAJOR:MINOR" dev attribute.
Result<unsigned> readMinor(os::FileSystem& fs, const std::string& path) {
  TRY_ASSIGN(std::string text, scsi::readAttr(fs, path));
  auto colon = text.find(':');
  std::optional<unsigned> minor;
  if (colon != std::string::npos && scsi::parseNumber<unsigned>(text.substr(0, colon)))
    minor = scsi::parseNumber<unsigned>(std::string_view(text).substr(colon + 1));
  if (!minor)
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "Invalid device number '" + text + "' in file '" + path + "'");
  return *minor;
}

}  // namespace

Result<std::vector<MultipathMap>> multipathMaps(os::FileSystem& fs, const std::string& sysRoot) {
  const std::string blockDir = sysRoot + "/block";
  TRY_ASSIGN(auto names, fs.listDirectory(blockDir));
  std::vector<MultipathMap> maps;
  for (const std::string& entry : names) {
    if (!entry.starts_with("dm-"))
      continue;
    const std::string dir = blockDir + "/" + entry;
    if (!fs.exists(dir + "/dm/uuid"))
      continue;
    TRY_ASSIGN(std::string uuid, scsi::readAttr(fs, dir + "/dm/uuid"));
    if (!uuid.starts_with(kMultipathUuidPrefix))
      continue;
    MultipathMap map;
    map.uuid = std::move(uuid);
    TRY_ASSIGN(map.name, scsi::readAttr(fs, dir + "/dm/name"));
    if (map.name.empty() || map.name.find('/') != std::string::npos)
      return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                       "Invalid map name '" + map.name + "' in file '" + dir + "/dm/name'");
    TRY_ASSIGN(map.minor, readMinor(fs, dir + "/dev"));
    TRY_ASSIGN(map.sectors, scsi::readNumber<std::uint64_t>(fs, dir + "/size"));
    maps.push_back(std::move(map));
  }
  std::sort(maps.begin(), maps.end(),
            [](const MultipathMap& a, const MultipathMap& b) { return a.minor < b.minor; });
  return maps;
}

}  // namespace virtus::storage::mpath
