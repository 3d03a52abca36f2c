#include "storage/backends/disk/disk_layout.h"

#include <algorithm>
#include <array>
#include <utility>

namespace virtus::storage::disk {

namespace {

// libvirt's SECTOR_SIZE: the first block, and the gap before a logical partition.
constexpr std::uint64_t kSector = 512;

Error internalError(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage, std::move(message));
}

bool within(std::uint64_t start, std::uint64_t end, const DiskPartition& outer) {
  return start >= outer.start && end <= outer.end;
}

// parted's file system type for each of libvirt's partition types (virStoragePartedFs).
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kPartedFs = {{
    {"none", "ext2"},
    {"linux", "ext2"},
    {"fat16", "fat16"},
    {"fat32", "fat32"},
    {"linux-swap", "linux-swap"},
    {"linux-lvm", "ext2"},
    {"linux-raid", "ext2"},
    {"extended", "extended"},
}};

bool hasExtended(const DiskLayout& layout) {
  return std::any_of(layout.partitions.begin(), layout.partitions.end(),
                     [](const DiskPartition& p) { return p.kind == PartKind::Extended; });
}

}  // namespace

std::string libvirtLabel(std::string_view partedLabel) {
  if (partedLabel == "msdos")
    return "dos";
  return std::string(partedLabel);
}

std::string partedLabel(std::string_view poolFormat) {
  if (poolFormat == "dos")
    return "msdos";
  return std::string(poolFormat);
}

std::string effectiveFormat(std::string_view poolFormat) {
  if (poolFormat.empty() || poolFormat == "unknown")
    return "dos";
  return std::string(poolFormat);
}

std::string partitionName(std::string_view diskName, int number) {
  std::string name(diskName);
  if (!name.empty() && name.back() >= '0' && name.back() <= '9')
    name += 'p';
  return name + std::to_string(number);
}

DiskLayout layoutOf(const PartedTable& table) {
  DiskLayout layout;
  layout.label = libvirtLabel(table.label);
  layout.diskSize = table.size;
  layout.sectorSize = table.sectorSize;
  const bool dos = table.label == "msdos";
  for (const auto& e : table.entries) {
    if (e.free)
      continue;
    DiskPartition p;
    p.number = e.number;
    p.kind = dos && e.number > 4 ? PartKind::Logical : PartKind::Primary;
    p.start = e.start;
    p.end = e.end + 1;
    p.size = e.size;
    layout.partitions.push_back(p);
  }
  // On dos, the primary slot that holds logical partitions or free space is the extended one.
  if (dos) {
    for (auto& p : layout.partitions) {
      if (p.kind != PartKind::Primary)
        continue;
      for (const auto& e : table.entries) {
        bool nested = (e.free || e.number > 4) && e.number != p.number;
        if (nested && within(e.start, e.end + 1, p)) {
          p.kind = PartKind::Extended;
          break;
        }
      }
    }
  }
  const DiskPartition* extended = nullptr;
  for (const auto& p : layout.partitions) {
    if (p.kind == PartKind::Extended)
      extended = &p;
  }
  for (const auto& e : table.entries) {
    if (!e.free)
      continue;
    DiskFreeExtent f;
    f.start = e.start == 0 ? kSector : e.start;
    f.end = e.end + 1;
    f.logical = extended && within(e.start, e.end + 1, *extended);
    layout.free.push_back(f);
  }
  return layout;
}

std::uint64_t volumeAllocation(const DiskLayout& layout, const DiskPartition& part) {
  if (part.kind != PartKind::Extended)
    return part.size;
  std::uint64_t sum = 0;
  for (const auto& p : layout.partitions) {
    if (p.kind == PartKind::Logical)
      sum += p.size;
  }
  return sum;
}

PoolFigures poolFigures(const DiskLayout& layout) {
  PoolFigures fig;
  for (const auto& p : layout.partitions) {
    if (p.kind != PartKind::Extended)
      fig.allocation += p.size;
    fig.capacity = std::max(fig.capacity, p.end);
  }
  for (const auto& f : layout.free) {
    fig.available += f.end - f.start;
    fig.capacity = std::max(fig.capacity, f.end);
    fig.freeExtents.push_back(model::PoolFreeExtent{f.start, f.end});
  }
  return fig;
}

PartKind kindToCreate(const DiskLayout& layout, std::string_view poolFormat) {
  if (effectiveFormat(poolFormat) != "dos")
    return PartKind::Primary;
  auto slots = std::count_if(layout.partitions.begin(), layout.partitions.end(),
                             [](const DiskPartition& p) { return p.kind != PartKind::Logical; });
  return slots >= 4 ? PartKind::Logical : PartKind::Primary;
}

Result<std::string> mkpartType(const DiskLayout& layout, std::string_view poolFormat,
                               std::string_view volFormat) {
  if (effectiveFormat(poolFormat) != "dos")
    return std::string("primary");
  if (volFormat.empty())
    volFormat = "none";
  auto it = std::find_if(kPartedFs.begin(), kPartedFs.end(),
                         [&](const auto& entry) { return entry.first == volFormat; });
  if (it == kPartedFs.end())
    return internalError("Invalid partition type");
  const std::string fs(it->second);
  if (volFormat == "extended") {
    if (hasExtended(layout))
      return internalError("extended partition already exists");
    return fs;
  }
  if (kindToCreate(layout, poolFormat) == PartKind::Primary)
    return "primary " + fs;
  if (!hasExtended(layout))
    return internalError("no extended partition found and no primary partition available");
  return "logical " + fs;
}

Result<Placement> placePartition(const DiskLayout& layout, std::string_view poolFormat,
                                 std::uint64_t cylinderSize, std::uint64_t capacity) {
  const bool dos = effectiveFormat(poolFormat) == "dos";
  if (dos && cylinderSize == 0)
    return internalError("the disk reports no cylinder geometry to align a partition to");
  const PartKind kind = kindToCreate(layout, poolFormat);
  const std::uint64_t extraBytes = dos ? cylinderSize - (capacity % cylinderSize) : 0;

  const DiskFreeExtent* best = nullptr;
  std::uint64_t bestSize = 0;
  std::uint64_t bestNeeded = capacity;
  for (const auto& f : layout.free) {
    std::uint64_t size = f.end - f.start;
    std::uint64_t needed = capacity;
    if (dos) {
      needed += extraBytes;
      if (f.start % cylinderSize > extraBytes)
        needed += cylinderSize;
      if (kind == PartKind::Logical)
        size = size >= kSector ? size - kSector : 0;
    }
    if (size <= needed || (bestSize != 0 && size >= bestSize))
      continue;
    if (f.logical != (kind == PartKind::Logical))
      continue;
    best = &f;
    bestSize = size;
    bestNeeded = needed;
  }
  if (!best)
    return internalError("no large enough free extent");
  Placement place;
  place.start = best->start;
  if (kind == PartKind::Logical)
    place.start += kSector;
  place.end = place.start + bestNeeded;
  if (dos)
    place.end -= place.start % cylinderSize;
  place.end -= 1;
  return place;
}

}  // namespace virtus::storage::disk
