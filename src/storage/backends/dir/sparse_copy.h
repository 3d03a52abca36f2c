// Copying file contents without turning holes into zeros (libvirt's storageBackendCopyToFD
// with want_sparse, but driven by SEEK_DATA/SEEK_HOLE instead of reading the holes).
#pragma once

#include <cstdint>

#include "common/result.h"
#include "driver/storage_driver.h"
#include "os/file_system.h"

namespace virtus::storage::dir {

// Copies bytes [0, length) of `src` to the same offsets of `dst`. Holes of `src` are skipped
// (never read, never written); inside data, aligned blocks of zeros are skipped too when
// `skipZeroBlocks` — the caller guarantees `dst` reads as zeros there (a new, truncated or
// preallocated file). Reports progress as (bytes covered, length). Returns the bytes written.
Result<std::uint64_t> copySparse(os::File& src, os::File& dst, std::uint64_t length,
                                 bool skipZeroBlocks, const driver::ProgressFn& progress);

// Writes zeros over [offset, offset + length) of `file`.
Result<void> writeZeros(os::File& file, std::uint64_t offset, std::uint64_t length);

}  // namespace virtus::storage::dir
