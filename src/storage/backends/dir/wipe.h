// Native wiping of a local volume, a file or a block device (partitions, LVs, zvols): zero
// (libvirt's storageBackendVolWipeLocal for VIR_STORAGE_VOL_WIPE_ALG_ZERO) and trim, and
// libvirt's zeroing of a device's partition table area before a label or a PV is written.
// The scrub patterns run the scrub program.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "driver/storage_driver.h"
#include "os/file_system.h"

namespace virtus::storage::dir {

// Opens the volume at `path` for writing; libvirt's "Failed to open storage volume with path
// 'P': REASON" when it cannot.
Result<os::FilePtr> openForWipe(os::FileSystem& fs, const std::string& path);

// How much virStorageBackendZeroPartitionTable zeroes at each end of a device: 1 MiB.
inline constexpr std::uint64_t kPartitionTableArea = 1024 * 1024;

// libvirt's virStorageBackendZeroPartitionTable: zeros over the first and the last `length`
// bytes of the device at `path` (where labels and signatures live), then a sync.
// VIR_ERR_SYSTEM_ERROR naming the device when it cannot be opened or is smaller than
// `length`.
Result<void> zeroDeviceEnds(os::FileSystem& fs, const std::string& path,
                            std::uint64_t length = kPartitionTableArea);

// Makes every byte read as zero. A sparse file (fewer blocks than its size) is emptied and
// grown back, which keeps it sparse as libvirt does; otherwise zeros are written over the
// data extents (holes already read as zero and stay holes).
Result<void> wipeZero(os::File& file, const driver::ProgressFn& progress);

// Discards every block while keeping the size (punch hole over the whole file); where the
// filesystem cannot punch holes, falls back to wipeZero.
Result<void> wipeTrim(os::File& file, const driver::ProgressFn& progress);

}  // namespace virtus::storage::dir
