// Is an fs or netfs pool mounted? libvirt's virStorageBackendFileSystemIsMounted reads the
// mount table and looks for an entry whose mount point is the pool's target and whose
// source is the pool's source (the device, "host:dir" or "//host/dir"), so that something
// else mounted on the target does not count. Virtus reads HostRoots.proc + "/mounts".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/file_system.h"
#include "storage/host_roots.h"

namespace virtus::storage::fs {

struct MountEntry {
  std::string source;  // mnt_fsname, octal escapes (\040 ...) decoded
  std::string target;  // mnt_dir, decoded
  std::string type;
  bool operator==(const MountEntry&) const = default;
};

// The fields of one line of a mount table in /proc/mounts format, split at blanks, each with
// getmntent's decoding of the kernel's octal escapes (\040 space, \011 tab, \012 newline,
// \134 backslash); an empty vector for a blank line. parseMountTable reads each line so, and
// so does the vstorage backend (vstorage_mount.h).
std::vector<std::string> mountLineFields(std::string_view line);

// The entries of a mount table in /proc/mounts format ("SOURCE TARGET TYPE OPTIONS 0 0" a
// line). VIR_ERR_INTERNAL_ERROR naming `file` and the line for a line with fewer than four
// fields.
Result<std::vector<MountEntry>> parseMountTable(std::string_view text, std::string_view file);

// Paths compared as libvirt's virFileComparePaths does when they cannot be resolved:
// textually, after collapsing repeated slashes and dropping a trailing one.
bool samePath(std::string_view a, std::string_view b);

// Whether `def` (which must pass checkMountSource) is mounted on its target, from the mount
// table under `roots`. An fs pool's device also matches an entry naming the same device node
// by another path (a symlink such as /dev/disk/by-uuid/…), as libvirt resolves links.
// VIR_ERR_SYSTEM_ERROR "cannot read mount list 'FILE'" when it cannot be read.
Result<bool> isMounted(os::FileSystem& fs, const HostRoots& roots, const model::PoolDef& def);

}  // namespace virtus::storage::fs
