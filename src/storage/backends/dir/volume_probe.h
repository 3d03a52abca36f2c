// Reading one file of a dir pool into a volume definition: what libvirt's
// virStorageBackendRefreshVolTargetUpdate learns, natively and with few syscalls (open,
// statx, one or two preads, close).
#pragma once

#include <string>

#include "common/result.h"
#include "model/storage/vol_def.h"
#include "os/file_system.h"

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

// The directory part of a path ("/a/b" -> "/a"; "b" -> ".").
std::string directoryOf(const std::string& path);

// path joined to dir unless already absolute (or a URL / json: pseudo-protocol).
std::string resolveRelativeTo(const std::string& dir, const std::string& path);

}  // namespace virtus::storage::dir
