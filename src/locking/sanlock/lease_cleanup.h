// virtus-sanlock-cleanup's work (libvirt's virt-sanlock-cleanup): removes the automatic
// disk lease files that no guest on any host holds. Safe to run at any time: a file goes
// only while this process itself holds its lease (so nobody else does), and a lease held
// anywhere, or that cannot be taken, is kept.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::locking::sanlock {

struct CleanupEntry {
  std::string path;
  std::string reason;  // kept: why ("held", sanlock's error)
};

struct CleanupReport {
  std::vector<CleanupEntry> removed;  // or, dry run, would be removed
  std::vector<CleanupEntry> kept;
};

// Needs this host's sanlock daemon to have joined __LIBVIRT__DISKS__ (VIR_ERR_OPERATION_INVALID
// otherwise); registers the calling process with sanlock.
Result<CleanupReport> cleanupLeases(os::FileSystem& fs, const std::string& dir, bool dryRun);

}  // namespace virtus::locking::sanlock
