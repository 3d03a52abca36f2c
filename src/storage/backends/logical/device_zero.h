// Zeroing ranges of a block device through the injected FileSystem: libvirt's
// virStorageBackendZeroPartitionTable (before pvcreate) and the zero wipe of an LV.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "driver/storage_driver.h"
#include "os/file_system.h"

namespace virtus::storage::logical {

// What libvirt zeroes at each end of a device before pvcreate: 1 MiB.
inline constexpr std::uint64_t kPvBlankLength = 1024 * 1024;

// Writes zeros over the first and the last `length` bytes of `device` (partition tables and
// signatures live there), then syncs. VIR_ERR_SYSTEM_ERROR naming the device when it cannot
// be opened or is smaller than `length`.
Result<void> zeroDeviceEnds(os::FileSystem& fs, const std::string& device,
                            std::uint64_t length = kPvBlankLength);

// Writes zeros over the whole of `device` (its size as the kernel reports it, or
// `fallbackSize` where that is 0), then syncs.
Result<void> zeroWholeDevice(os::FileSystem& fs, const std::string& device,
                             std::uint64_t fallbackSize, const driver::ProgressFn& progress);

}  // namespace virtus::storage::logical
