// The files that carry sanlock's lockspace and leases: created on first use, 1 MiB each,
// formatted by the sanlock daemon, and owned by the configured user and group so that a
// sanlock daemon running as them can open them (libvirt's behaviour).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "locking/sanlock/sanlock_client.h"
#include "os/file_system.h"

namespace virtus::locking::sanlock {

struct FileOwner {
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
};

// Creates `path` (mode 0600, 0660 with a group; `owner`'s), makes it 1 MiB and runs
// `format` (a sanlock write returning rv). Returns true when this call created it, false
// when it existed (or another host created it meanwhile). A failed format removes the file.
// `what` ("lockspace", "lease") goes in messages, as libvirt's "Unable to create lease P".
Result<bool> createLeaseFile(os::FileSystem& fs, const std::string& path, const FileOwner& owner,
                             std::string_view what, const std::function<int()>& format);

// The lockspace file `dir`/__LIBVIRT__DISKS__, formatted with `ioTimeout`, with `dir`.
Result<void> ensureDiskLockspace(os::FileSystem& fs, const std::string& dir, const FileOwner& owner,
                                 std::uint32_t ioTimeout);

// A disk's lease file (lease.path), formatted for lease.lockspace and lease.name.
Result<void> ensureLeaseFile(os::FileSystem& fs, const Lease& lease, const FileOwner& owner);

}  // namespace virtus::locking::sanlock
