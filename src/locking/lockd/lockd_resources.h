// How the lockd driver names what it locks, as libvirt's lockd plugin does: a writable disk
// is locked directly (the file itself) or, with an indirect lockspace, through a lock file
// in that directory named by the LVM UUID (lvm_lockspace_dir), the SCSI WWN
// (scsi_lockspace_dir) or the SHA-256 of the disk path (file_lockspace_dir). A <lease> is
// the file TARGET/LOCKSPACE/KEY. Read-only disks take no lock.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "lockd/lockd_client.h"
#include "locking/lock_manager.h"
#include "locking/lockd/lockd_config.h"
#include "os/command.h"

namespace virtus::locking {

// Keys of block devices, looked up on the host (nullopt: the device has none).
struct BlockDeviceKeys {
  std::function<std::optional<std::string>(const std::string& path)> lvmUuid;
  std::function<std::optional<std::string>(const std::string& path)> scsiWwn;
};

// The lockd resource for `resource`; nullopt when it takes no lock (read-only disks; disks
// when auto_disk_leases is off). Errors: a lease with a non-zero offset.
Result<std::optional<lockd::LockdResourceSpec>> lockdResourceFor(const LockdConfig& config,
                                                                 const LockResource& resource,
                                                                 const BlockDeviceKeys& keys);

// `lvs --noheadings --unbuffered --nosuffix --options uuid PATH`, and its answer: the UUID
// (nullopt for empty output).
os::Command lvmUuidCommand(const std::string& path);
std::optional<std::string> parseLvmUuid(const std::string& output);

// `/lib/udev/scsi_id --replace-whitespace --whitelisted --device PATH`, and its answer.
os::Command scsiWwnCommand(const std::string& path);
std::optional<std::string> parseScsiWwn(const std::string& output);

}  // namespace virtus::locking
