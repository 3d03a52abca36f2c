// qemu-sanlock.conf: the sanlock lock driver's settings, with libvirt's keys, defaults and
// checks (lock_driver_sanlock.c there). Unknown keys are ignored, as libvirt does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::locking::sanlock {

struct SanlockConfig {
  // This host's id in the lockspace, unique among the hosts sharing disk_lease_dir
  // (1..2000 with sanlock's default geometry); 0: none set.
  std::uint32_t hostId = 0;
  // Lease every read-write disk automatically in the __LIBVIRT__DISKS__ lockspace.
  bool autoDiskLeases = false;
  // Where the lockspace and the lease files live (share it between the hosts).
  std::string diskLeaseDir;
  // Refuse a guest with writable disks but no <lease> (without automatic leases).
  // libvirt's default: the opposite of auto_disk_leases.
  bool requireLeaseForDisks = true;
  // sanlock's io_timeout for the lockspace, in seconds; 0: sanlock's default (10).
  std::uint32_t ioTimeout = 0;
  // Owner of the lockspace and lease files (so that a sanlock daemon running as that user
  // can open them); unset: left as created.
  std::optional<std::string> user;
  std::optional<std::string> group;
};

// Parses the text of qemu-sanlock.conf. `defaultLeaseDir` is disk_lease_dir when the file
// does not set it (DIR/lib/sanlock). `source` names the file in messages. Errors:
// VIR_ERR_CONF_SYNTAX for malformed text or a value of the wrong kind; VIR_ERR_INTERNAL_ERROR
// (libvirt's) "Automatic disk lease mode enabled, but no host ID is set".
Result<SanlockConfig> parseSanlockConfig(std::string_view text, std::string_view source,
                                         const std::string& defaultLeaseDir);

// Reads `path`; a missing file gives the defaults, as libvirt does.
Result<SanlockConfig> loadSanlockConfig(os::FileSystem& fs, const std::string& path,
                                        const std::string& defaultLeaseDir);

}  // namespace virtus::locking::sanlock
