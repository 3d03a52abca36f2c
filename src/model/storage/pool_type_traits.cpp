#include "model/storage/pool_type_traits.h"

#include <array>
#include <cassert>

namespace virtus::model {

namespace {

// libvirt's virStoragePoolFormat* enums, in their numeric order.
constexpr std::array<std::string_view, 14> kFsFormats = {
    "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf",
    "gfs",  "gfs2", "vfat", "hfs+", "xfs", "ocfs2",   "vmfs",
};
constexpr std::array<std::string_view, 4> kNetfsFormats = {"auto", "nfs", "glusterfs", "cifs"};
constexpr std::array<std::string_view, 9> kDiskFormats = {
    "unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2",
};
constexpr std::array<std::string_view, 2> kLogicalFormats = {"unknown", "lvm2"};

PoolTypeTraits makeTraits(PoolType type) {
  PoolTypeTraits t;
  t.type = type;
  switch (type) {
    case PoolType::Dir:
      t.supportsCow = true;
      t.volFormats = VolFormatKind::File;
      t.defaultVolFormat = "raw";
      break;
    case PoolType::Fs:
      t.sourceDevice = t.requiresDevice = true;
      t.sourceFormats = kFsFormats;
      t.defaultSourceFormat = "auto";
      t.supportsCow = true;
      t.nsPrefix = "fs";
      t.nsUri = kFsNamespaceUri;
      t.volFormats = VolFormatKind::File;
      t.defaultVolFormat = "raw";
      break;
    case PoolType::Netfs:
      t.sourceHost = t.requiresHost = true;
      t.sourceDir = t.requiresDir = true;
      t.sourceFormats = kNetfsFormats;
      t.defaultSourceFormat = "auto";
      t.nsPrefix = "fs";
      t.nsUri = kFsNamespaceUri;
      t.volFormats = VolFormatKind::File;
      t.defaultVolFormat = "raw";
      break;
    case PoolType::Logical:
      t.sourceName = true;
      t.sourceDevice = true;
      t.sourceFormats = kLogicalFormats;
      t.defaultSourceFormat = "lvm2";
      t.targetPath = PoolTargetPath::DevSourceName;
      t.defaultVolType = VolType::Block;
      break;
    case PoolType::Disk:
      t.sourceDevice = t.requiresDevice = true;
      t.sourceFormats = kDiskFormats;
      t.defaultSourceFormat = "unknown";
      t.volFormats = VolFormatKind::Partition;
      t.defaultVolFormat = "none";
      t.defaultVolType = VolType::Block;
      break;
    case PoolType::Iscsi:
      t.sourceHost = t.requiresHost = true;
      t.sourceDevice = true;
      t.sourceInitiatorIqn = true;
      t.defaultVolType = VolType::Block;
      break;
    case PoolType::IscsiDirect:
      t.sourceHost = t.requiresHost = true;
      t.sourceDevice = true;
      t.sourceInitiatorIqn = t.requiresInitiatorIqn = true;
      t.network = true;
      t.targetPath = PoolTargetPath::None;
      t.defaultVolType = VolType::Network;
      break;
    case PoolType::Scsi:
      t.sourceAdapter = t.requiresAdapter = true;
      t.defaultVolType = VolType::Block;
      break;
    case PoolType::Mpath:
      t.defaultVolType = VolType::Block;
      break;
    case PoolType::Rbd:
      t.sourceHost = t.requiresHost = true;
      t.sourceName = t.requiresSourceName = true;
      t.network = true;
      t.targetPath = PoolTargetPath::None;
      t.nsPrefix = "rbd";
      t.nsUri = kRbdNamespaceUri;
      t.volFormats = VolFormatKind::File;
      t.defaultVolFormat = "raw";
      t.defaultVolType = VolType::Network;
      break;
    case PoolType::Sheepdog:
      t.sourceHost = t.requiresHost = true;
      t.sourceName = true;
      t.network = true;
      t.targetPath = PoolTargetPath::None;
      t.defaultVolType = VolType::Network;
      break;
    case PoolType::Gluster:
      t.sourceHost = t.requiresHost = true;
      t.sourceName = true;
      t.sourceDir = t.requiresDir = true;
      t.dirDefaultsToRoot = true;
      t.network = true;
      t.targetPath = PoolTargetPath::None;
      t.volFormats = VolFormatKind::File;
      t.defaultVolFormat = "raw";
      t.defaultVolType = VolType::Network;
      break;
    case PoolType::Zfs:
      t.sourceName = true;
      t.sourceDevice = true;
      t.targetPath = PoolTargetPath::ZvolSourceName;
      t.defaultVolType = VolType::Block;
      break;
    case PoolType::Vstorage:
      t.sourceName = true;
      t.volFormats = VolFormatKind::File;
      t.defaultVolFormat = "raw";
      break;
  }
  return t;
}

std::array<PoolTypeTraits, kPoolTypeCount> makeTable() {
  std::array<PoolTypeTraits, kPoolTypeCount> table{};
  for (int i = 0; i < kPoolTypeCount; ++i)
    table[i] = makeTraits(static_cast<PoolType>(i));
  return table;
}

// Immutable after construction: a constant table, not mutable global state.
const std::array<PoolTypeTraits, kPoolTypeCount> kTable = makeTable();

}  // namespace

const PoolTypeTraits& poolTypeTraits(PoolType type) {
  auto index = static_cast<std::size_t>(type);
  assert(index < kTable.size());
  return kTable[index];
}

int poolSourceFormatIndex(const PoolTypeTraits& traits, std::string_view format) {
  for (std::size_t i = 0; i < traits.sourceFormats.size(); ++i) {
    if (traits.sourceFormats[i] == format)
      return static_cast<int>(i);
  }
  return -1;
}

}  // namespace virtus::model
