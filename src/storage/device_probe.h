// What a block device already holds, read from its signatures with libblkid (no program
// spawned), and libvirt 9.0's rule for building a pool over it without
// VIR_STORAGE_POOL_BUILD_OVERWRITE (virStorageBackendDeviceIsEmpty): fs pools must not mkfs
// over a filesystem, disk pools must not write a label over a partition table or filesystem.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus::storage {

// What libblkid found; "" for nothing of that kind. `filesystem` is blkid's TYPE ("ext4",
// "xfs", "LVM2_member", "vfat"...); `partitionTable` its PTTYPE ("gpt", "dos"...).
struct DeviceContent {
  std::string filesystem;
  std::string partitionTable;
  bool empty() const { return filesystem.empty() && partitionTable.empty(); }
};

class DeviceProbe {
 public:
  virtual ~DeviceProbe() = default;
  // VIR_ERR_STORAGE_PROBE_FAILED naming the device when it cannot be opened or read.
  virtual Result<DeviceContent> probe(const std::string& device) = 0;
};

// The real probe (libblkid's low-level probing: superblocks and partition tables).
std::unique_ptr<DeviceProbe> makeBlkidProbe();

// libvirt's check before a build writes `format` (a filesystem type such as "ext4", or a
// partition table such as "gpt", "dos") on `device` without VIR_STORAGE_POOL_BUILD_OVERWRITE:
// ok when the device holds nothing; VIR_ERR_STORAGE_POOL_BUILT "Device 'D' already formatted
// using 'F'" when it holds that format; otherwise VIR_ERR_STORAGE_POOL_BUILT "Format of device
// 'D' does not match the expected format 'F', forced overwrite is necessary". A filesystem is
// compared first, then a partition table, as libvirt does.
Result<void> checkDeviceEmpty(const DeviceContent& content, std::string_view device,
                              std::string_view format);

// libvirt's check before a pool starts on `device` (disk pools): ok when it holds `format`;
// VIR_ERR_STORAGE_PROBE_FAILED "Device 'D' is unrecognized, requires build" when it holds
// nothing; VIR_ERR_OPERATION_INVALID "Format of device 'D' does not match the expected format
// 'F'" otherwise.
Result<void> checkDeviceFormat(const DeviceContent& content, std::string_view device,
                               std::string_view format);

}  // namespace virtus::storage
