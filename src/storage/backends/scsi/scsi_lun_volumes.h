// The volumes of a scsi or iscsi pool from its LUNs, as libvirt 9.0's
// virStorageBackendSCSINewLun makes them:
//
//   name    "unit:BUS:TARGET:LUN" (the host number is the kernel's, not stable)
//   path    the entry of the pool's target directory (/dev/disk/by-path by default) that
//           leads to /dev/sdX, e.g. /dev/disk/by-path/ip-192.0.2.10:3260-iscsi-IQN-lun-1;
//           /dev/sdX itself when the target path is /dev. A LUN without such an entry yet
//           is skipped (libvirt skips it too).
//   key     the LUN's SCSI serial from `/lib/udev/scsi_id` on the path; the path when
//           scsi_id cannot tell (no udev, no answer)
//   size    capacity = allocation = the block device's sysfs size x 512
//   perms   mode, owner and group of the device node
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/storage/vol_def.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "storage/backends/scsi/scsi_luns.h"
#include "storage/storage_backend.h"

namespace virtus::storage::scsi {

inline constexpr std::string_view kDefaultTargetPath = "/dev/disk/by-path";

struct LunHost {
  os::FileSystem& fs;
  os::CommandRunner& commands;
  // Where the host's /dev is ("/dev"; a temporary directory in tests). Volume paths and the
  // commands name the real /dev paths; only file access goes through this root.
  std::string devRoot;
  // The deadline of each scsi_id run (0: the runner's default).
  std::chrono::milliseconds timeout{0};
};

// The volumes for `luns` in the pool whose target path is `targetPath` ("" for the default).
// VIR_ERR_INVALID_ARG "unable to use target path 'P' for dev 'sdX'" when the target path is
// not a directory under /dev.
Result<std::vector<model::VolDef>> lunVolumes(const LunHost& host, const std::string& targetPath,
                                              const std::vector<ScsiLun>& luns);

// The refresh of iscsi and scsi pools once the SCSI host is known: the LUNs of host
// `scsiHost` (sysfs under `sysRoot`) become pool.volumes, and their sizes the pool's capacity
// and allocation.
Result<void> refreshFromScsiHost(const LunHost& host, const std::string& sysRoot, unsigned scsiHost,
                                 PoolRuntime& pool);

}  // namespace virtus::storage::scsi
