// The LUNs of one SCSI host as the kernel shows them in sysfs, read as libvirt 9.0's
// virStorageBackendSCSIFindLUs reads them (shared by the scsi and iscsi pools):
//
//   SYS/bus/scsi/devices/H:C:T:L/type                        SCSI peripheral device type
//   SYS/bus/scsi/devices/H:C:T:L/block/sdX/size              size in 512-byte sectors
//   SYS/bus/scsi/devices/H:C:T:L/block:sdX                   (old kernels: the block device
//                                                             in the entry's name;
//                                                             size in SYS/block/sdX/size)
//
// SYS is a parameter so that tests lay such a tree out in a temporary directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::storage::scsi {

// SCSI peripheral device types that become volumes (libvirt: disks and CD/DVD drives).
inline constexpr int kScsiTypeDisk = 0;
inline constexpr int kScsiTypeRom = 5;

struct ScsiLun {
  unsigned host = 0, bus = 0, target = 0, lun = 0;
  int type = kScsiTypeDisk;
  std::string blockDevice;  // "sdb"
  std::uint64_t sectors = 0;
  std::uint64_t bytes() const { return sectors * 512; }
};

// The disk and CD/DVD LUNs of SCSI host `host` that have a block device, ordered by
// bus:target:lun. Other device types (the target's controller LUN, tapes, enclosures) and
// LUNs without a block device yet are skipped, as libvirt skips them. A LUN whose type
// cannot be read is VIR_ERR_INTERNAL_ERROR "Failed to determine if H:C:T:L is a
// Direct-Access LUN".
Result<std::vector<ScsiLun>> hostLuns(os::FileSystem& fs, const std::string& sysRoot,
                                      unsigned host);

}  // namespace virtus::storage::scsi
