#include "model/storage/vol_format_names.h"

#include <array>

namespace virtus::model {

namespace {

// virStorageFileFormat: index 0 is "none", which libvirt never accepts as a volume format.
constexpr std::array<std::string_view, 17> kFileFormats = {
    "none", "raw", "dir",   "bochs", "cloop", "dmg",   "iso", "vpc",  "vdi",
    "fat",  "vhd", "ploop", "cow",   "qcow",  "qcow2", "qed", "vmdk",
};

// virStorageVolFormatDisk: every entry, "none" included, is a valid partition type.
constexpr std::array<std::string_view, 8> kDiskFormats = {
    "none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm", "linux-raid", "extended",
};

constexpr std::span<const std::string_view> kFileAccepted(kFileFormats.data() + 1,
                                                          kFileFormats.size() - 1);

}  // namespace

std::span<const std::string_view> fileImageFormatNames() {
  return kFileAccepted;
}
std::span<const std::string_view> diskPartitionTypeNames() {
  return kDiskFormats;
}

std::optional<VolFormatOptions> volFormatOptions(PoolType type) {
  switch (type) {
    case PoolType::Dir:
    case PoolType::Fs:
    case PoolType::Netfs:
    case PoolType::Gluster:
    case PoolType::Vstorage:
      return VolFormatOptions{"raw", kFileAccepted, kFileFormats};
    case PoolType::Rbd:
      return VolFormatOptions{"raw", kFileAccepted, {}};
    case PoolType::Disk:
      return VolFormatOptions{"none", kDiskFormats, kDiskFormats};
    case PoolType::Logical:
    case PoolType::Iscsi:
    case PoolType::IscsiDirect:
    case PoolType::Scsi:
    case PoolType::Mpath:
    case PoolType::Sheepdog:
    case PoolType::Zfs:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string_view> findVolFormat(PoolType type, std::string_view name) {
  auto options = volFormatOptions(type);
  if (!options)
    return std::nullopt;
  for (std::string_view candidate : options->accepted) {
    if (candidate == name)
      return candidate;
  }
  return std::nullopt;
}

}  // namespace virtus::model
