// libvirt's per-pool-type table (poolTypeInfo in storage_conf.c) as data: which <source>
// elements a type reads and writes, which it requires, its source formats, whether it has a
// local <target>, its XML namespace and its volume defaults. Parse, format and validate
// consult this table instead of testing pool types one by one.
#pragma once

#include <span>
#include <string_view>

#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::model {

// How a type derives <target><path>.
enum class PoolTargetPath {
  None,            // network pools: no <target> at all
  FromXml,         // <target><path> is mandatory
  DevSourceName,   // logical: /dev/<source name>, the XML value is ignored
  ZvolSourceName,  // zfs: /dev/zvol/<source name>
};

// Which volume formats the type's volumes take.
enum class VolFormatKind {
  None,       // volumes have no <format>
  File,       // file image formats (raw, qcow2 …)
  Partition,  // disk pools: partition types (none, linux, extended …)
};

struct PoolTypeTraits {
  PoolType type = PoolType::Dir;
  // libvirt's VIR_STORAGE_POOL_SOURCE_* flags: the <source> elements the type keeps and
  // formats (other elements are read but dropped from the output).
  bool sourceHost = false;
  bool sourceDevice = false;
  bool sourceDir = false;
  bool sourceAdapter = false;
  bool sourceName = false;
  bool sourceInitiatorIqn = false;
  bool network = false;  // not a local device or directory: no <target>
  // Requirements checked at parse time.
  bool requiresHost = false;          // "missing storage pool source host name"
  bool requiresDir = false;           // "missing storage pool source path"
  bool requiresDevice = false;        // "missing storage pool source device name"
  bool requiresAdapter = false;       // adapter validation
  bool requiresSourceName = false;    // rbd: "element 'name' is mandatory for RBD pool"
  bool requiresInitiatorIqn = false;  // iscsi-direct: "missing initiator IQN"
  bool dirDefaultsToRoot = false;     // gluster: a missing <dir> is "/"
  // <source><format type=>: the names in libvirt's enum order (the index is libvirt's
  // number); empty when the type has no source format.
  std::span<const std::string_view> sourceFormats;
  std::string_view defaultSourceFormat;
  PoolTargetPath targetPath = PoolTargetPath::FromXml;
  bool supportsCow = false;  // <features><cow>
  // Backend XML namespace (fs:mount_opts, rbd:config_opts); empty prefix when none.
  std::string_view nsPrefix;
  std::string_view nsUri;
  // Volumes.
  VolFormatKind volFormats = VolFormatKind::None;
  std::string_view defaultVolFormat;  // "raw", "none", or empty
  VolType defaultVolType = VolType::File;
};

const PoolTypeTraits& poolTypeTraits(PoolType type);

// Index of `format` in the type's source formats; nullopt-like -1 when unknown.
int poolSourceFormatIndex(const PoolTypeTraits& traits, std::string_view format);

inline constexpr std::string_view kFsNamespaceUri = "http://libvirt.org/schemas/storagepool/fs/1.0";
inline constexpr std::string_view kRbdNamespaceUri =
    "http://libvirt.org/schemas/storagepool/rbd/1.0";

}  // namespace virtus::model
