// Copying a file inside a gluster volume without filling holes: the data extents of the
// source (SEEK_DATA / SEEK_HOLE through gfapi) are copied to the same offsets of a new,
// empty destination, and zero blocks inside them are skipped too, so that the copy allocates
// no more than the source.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "driver/storage_driver.h"
#include "storage/backends/gluster/gluster_connection.h"

namespace virtus::storage::gluster {

// Copies bytes [0, length) of `src` to `dst`, which reads as zeros there (new or truncated).
// Reports progress as (bytes covered, length). Returns the bytes written.
Result<std::uint64_t> copySparse(GlusterFile& src, GlusterFile& dst, std::uint64_t length,
                                 const driver::ProgressFn& progress);

}  // namespace virtus::storage::gluster
