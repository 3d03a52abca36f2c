// Upload and download of a local volume: a file of a dir-like pool, or the block device of a
// partition, logical volume or zvol (libvirt's virStorageBackendVolUploadLocal and
// virStorageBackendVolDownloadLocal). Sparse streams carry holes as holes.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "driver/storage_driver.h"
#include "model/storage/vol_def.h"
#include "os/file_system.h"

namespace virtus::storage::dir {

// Writes the stream into vol.target.path from `offset` (at most `length` bytes when not 0).
// A raw or block volume refuses an offset beyond its capacity.
Result<void> uploadLocal(os::FileSystem& fs, const model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress);

// Sends vol.target.path from `offset` (`length` bytes, or to the end when 0).
Result<void> downloadLocal(os::FileSystem& fs, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress);

}  // namespace virtus::storage::dir
