// Which volume format names each pool type understands, as libvirt's per-pool-type
// volume options: file image formats for directory-like pools, partition types for disk
// pools, nothing at all for the others (their volumes have no <format>).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "model/storage/pool_def.h"

namespace virtus::model {

struct VolFormatOptions {
  // Written when a volume gives no <format>.
  std::string_view defaultFormat;
  // Names accepted in <format type=>, in libvirt's enum order.
  std::span<const std::string_view> accepted;
  // Names listed by libvirt's pool capabilities (<enum name='targetFormatType'>); it
  // starts at the enum's "none" entry and is empty for rbd, whose table has no length.
  std::span<const std::string_view> advertised;
};

// nullopt when volumes of this pool type carry no format (logical, iscsi, scsi, mpath,
// sheepdog, zfs, iscsi-direct).
std::optional<VolFormatOptions> volFormatOptions(PoolType type);

// The accepted name equal to `name`, or nullopt when the pool type does not know it
// (or has no formats at all).
std::optional<std::string_view> findVolFormat(PoolType type, std::string_view name);

// libvirt's file image formats (virStorageFileFormat) without the leading "none".
std::span<const std::string_view> fileImageFormatNames();
// libvirt's disk partition types (virStorageVolFormatDisk).
std::span<const std::string_view> diskPartitionTypeNames();

}  // namespace virtus::model
