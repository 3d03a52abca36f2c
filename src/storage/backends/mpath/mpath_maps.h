// The device-mapper multipath maps of this host, read from sysfs (libvirt 9.0 asks
// libdevmapper for the maps whose table's target is "multipath"; multipathd gives exactly
// those maps a DM uuid "mpath-WWID", which sysfs shows without device-mapper access):
//
//   SYS/block/dm-N/dm/uuid    "mpath-3600a0b80001234560000abcd12345678"
//   SYS/block/dm-N/dm/name    "mpatha" (the node /dev/mapper/mpatha)
//   SYS/block/dm-N/dev        "253:N" (N, the minor, names the volume "dm-N")
//   SYS/block/dm-N/size       size in 512-byte sectors
//
// Other dm devices (LVM volumes, crypt, partitions of a map: "part1-mpath-...") are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::storage::mpath {

struct MultipathMap {
  unsigned minor = 0;
  std::string name;  // "mpatha"
  std::string uuid;  // "mpath-3600..."
  std::uint64_t sectors = 0;
  std::uint64_t bytes() const { return sectors * 512; }
};

// The multipath maps, by minor. VIR_ERR_INTERNAL_ERROR naming the file and its text when a
// map's dev or size attribute is not what the kernel writes there.
Result<std::vector<MultipathMap>> multipathMaps(os::FileSystem& fs, const std::string& sysRoot);

}  // namespace virtus::storage::mpath
