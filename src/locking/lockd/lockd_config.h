// qemu-lockd.conf: the lockd driver's settings, with libvirt's keys, defaults and syntax.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::locking {

struct LockdConfig {
  // Lock every writable disk automatically (libvirt's default), not only <lease>s.
  bool autoDiskLeases = true;
  // Indirect lockspaces: lock files named by the SHA-256 of the disk path, the LVM UUID or
  // the SCSI WWN. Empty file_lockspace_dir: disks are locked directly (the files themselves).
  std::string fileLockspaceDir;
  std::string lvmLockspaceDir;
  std::string scsiLockspaceDir;
  // Refuse guests with writable disks and no lease when disks are not locked automatically.
  bool requireLeaseForDisks = false;
  // Virtus's own key: the name virtus-lockd gives its host in holder messages and
  // lock-list (default: the host's name). Hosts sharing a lockspace need distinct names.
  std::string hostName;

  bool operator==(const LockdConfig&) const = default;
};

// Parses qemu-lockd.conf text; `source` names the file in messages. Unknown keys are
// ignored, as libvirt does; values of the wrong kind are VIR_ERR_CONF_SYNTAX.
// require_lease_for_disks defaults to the opposite of auto_disk_leases.
Result<LockdConfig> parseLockdConfig(std::string_view text, std::string_view source);

// The file at `path`; the defaults when it does not exist.
Result<LockdConfig> loadLockdConfig(os::FileSystem& fs, const std::string& path);

}  // namespace virtus::locking
