// Reading one file of a dir pool into a volume definition: what libvirt's
// virStorageBackendRefreshVolTargetUpdate learns, natively and with few syscalls (open,
// statx, one or two preads, close; a single statx when a previous probe can be reused).
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "model/storage/vol_def.h"
#include "os/file_system.h"
#include "storage/backends/dir/probe_cache.h"

namespace virtus::storage::dir {

enum class ProbeOutcome {
  Volume,   // vol was filled
  Skipped,  // not a volume: vanished, dangling symlink, FIFO, socket, character device
};

// Fills vol's type, capacity, allocation, physical, format, backing store, permissions,
// timestamps, encryption format and qcow2 details from the file at vol.target.path.
// An error means the file is there but cannot be read or probed.
Result<ProbeOutcome> probeVolumeFile(os::FileSystem& fs, model::VolDef& vol);

// A new volume for entry `name` of the pool directory `poolPath` (name, key, path), probed.
Result<ProbeOutcome> probePoolEntry(os::FileSystem& fs, const std::string& poolPath,
                                    const std::string& name, model::VolDef& vol);

// The same for entry `name` of the open pool directory `dir`, reached relative to it. When
// `cached` is given and the file's identity still matches it, the file is only stat'ed: its
// header facts come from `cached`, its permissions, allocation and timestamps from the fresh
// stat (see probe_cache.h for why that is safe). `probed` receives what is worth caching for
// next time (regular files only), whether it was read now or reused. `fs` serves the stat of
// a backing file, which may lie anywhere.
Result<ProbeOutcome> probeDirEntry(os::FileSystem& fs, os::Directory& dir, const std::string& name,
                                   const ProbedHeader* cached, model::VolDef& vol,
                                   std::optional<ProbedHeader>& probed);

// path joined to dir unless already absolute (or a URL / json: pseudo-protocol).
std::string resolveRelativeTo(const std::string& dir, const std::string& path);

}  // namespace virtus::storage::dir
