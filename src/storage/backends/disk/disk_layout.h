// A disk's partition table as libvirt 9.0's disk backend sees it (what libvirt_parthelper
// reports), and libvirt's rules on it: the pool's sizes and free extents, which kind of
// partition a new volume becomes, the mkpart type argument and where the new partition goes
// (cylinder alignment on dos labels). Pure functions of parted's table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "storage/backends/disk/parted_commands.h"

namespace virtus::storage::disk {

enum class PartKind { Primary, Logical, Extended };

// Offsets as libvirt keeps them: `end` is one past the partition's last byte.
struct DiskPartition {
  int number = 0;
  PartKind kind = PartKind::Primary;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t size = 0;
  bool operator==(const DiskPartition&) const = default;
};

struct DiskFreeExtent {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  bool logical = false;  // inside the extended partition: room for logical partitions only
  bool operator==(const DiskFreeExtent&) const = default;
};

struct DiskLayout {
  std::string label;  // libvirt's name of the label: "dos" (parted's "msdos"), "gpt"...
  std::uint64_t diskSize = 0;
  std::uint32_t sectorSize = 512;
  std::vector<DiskPartition> partitions;
  std::vector<DiskFreeExtent> free;
};

// parted's table as libvirt sees it. parted's machine output does not say which msdos
// partitions are extended or logical: numbers from 5 up are logical, and the primary slot
// (1-4) holding logical partitions or free space is the extended one. The first sector is
// never free (libvirt moves a free extent starting at 0 to 512).
DiskLayout layoutOf(const PartedTable& table);

// libvirt's name of a parted label ("msdos" -> "dos"); others as they are.
std::string libvirtLabel(std::string_view partedLabel);
// parted's name of a libvirt disk pool format ("dos" -> "msdos").
std::string partedLabel(std::string_view poolFormat);
// The pool format libvirt works with: "dos" when the pool gives none ("" or "unknown").
std::string effectiveFormat(std::string_view poolFormat);

// The node name of partition `number` of the disk called `diskName` ("sda" -> "sda1",
// "loop0" -> "loop0p1": a "p" when the disk's name ends in a digit, as parted and the
// kernel name them).
std::string partitionName(std::string_view diskName, int number);

// libvirt's pool figures: capacity is the furthest end of a partition or free extent,
// allocation the sum of the primary and logical partitions, available the sum of the free
// extents (all of them, as libvirt adds them up).
struct PoolFigures {
  std::uint64_t capacity = 0;
  std::uint64_t allocation = 0;
  std::uint64_t available = 0;
  std::vector<model::PoolFreeExtent> freeExtents;
};
PoolFigures poolFigures(const DiskLayout& layout);

// Capacity and allocation of a partition's volume: its size for primary and logical ones;
// an extended one has its size as capacity and the sum of its logical partitions as
// allocation.
std::uint64_t volumeAllocation(const DiskLayout& layout, const DiskPartition& part);

// What a new volume becomes on a `poolFormat` label: on dos, a logical partition once the
// four primary slots are taken (primary and extended partitions counted); otherwise primary.
PartKind kindToCreate(const DiskLayout& layout, std::string_view poolFormat);

// The partition type argument of mkpart for a volume of format `volFormat` (libvirt's
// partition types: none, linux, fat16, ...): on dos "primary FS" / "logical FS" / "extended"
// (FS is parted's file system type of the format), elsewhere "primary".
// VIR_ERR_INTERNAL_ERROR as libvirt for an unknown type, a second extended partition, or a
// fifth partition without an extended one.
Result<std::string> mkpartType(const DiskLayout& layout, std::string_view poolFormat,
                               std::string_view volFormat);

struct Placement {
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // the last byte, as mkpart takes it
  bool operator==(const Placement&) const = default;
};

// Where libvirt puts a new partition of `capacity` bytes: the smallest free extent that is
// larger than what it needs (of the right kind: logical free space for a logical
// partition, the rest otherwise); on dos the size is rounded up to whole cylinders of
// `cylinderSize` bytes (one more when the extent starts too far into a cylinder), and a
// logical partition starts one sector in. VIR_ERR_INTERNAL_ERROR "no large enough free
// extent" when none fits.
Result<Placement> placePartition(const DiskLayout& layout, std::string_view poolFormat,
                                 std::uint64_t cylinderSize, std::uint64_t capacity);

}  // namespace virtus::storage::disk
