// Native wiping of a file volume: zero (libvirt's storageBackendVolWipeLocal for
// VIR_STORAGE_VOL_WIPE_ALG_ZERO) and trim. The scrub patterns run the scrub program.
#pragma once

#include "common/result.h"
#include "driver/storage_driver.h"
#include "os/file_system.h"

namespace virtus::storage::dir {

// Makes every byte read as zero. A sparse file (fewer blocks than its size) is emptied and
// grown back, which keeps it sparse as libvirt does; otherwise zeros are written over the
// data extents (holes already read as zero and stay holes).
Result<void> wipeZero(os::File& file, const driver::ProgressFn& progress);

// Discards every block while keeping the size (punch hole over the whole file); where the
// filesystem cannot punch holes, falls back to wipeZero.
Result<void> wipeTrim(os::File& file, const driver::ProgressFn& progress);

}  // namespace virtus::storage::dir
