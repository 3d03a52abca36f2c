// A storage pool definition as libvirt's storagepool.rng describes it, for every pool
// type of libvirt 9.0. Plain data: no host access. Parse / format / validate are free
// functions in pool_xml.h and pool_validate.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/uuid.h"
#include "model/storage/storage_common.h"

namespace virtus::model {

// Same order and numbers as libvirt's virStoragePoolType (used on the wire).
enum class PoolType {
  Dir = 0,
  Fs,
  Netfs,
  Logical,
  Disk,
  Iscsi,
  IscsiDirect,
  Scsi,
  Mpath,
  Rbd,
  Sheepdog,
  Gluster,
  Zfs,
  Vstorage,
};
inline constexpr int kPoolTypeCount = 14;

struct PoolSourceHost {
  std::string name;
  std::optional<int> port;
  bool operator==(const PoolSourceHost&) const = default;
};

struct PoolFreeExtent {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  bool operator==(const PoolFreeExtent&) const = default;
};

struct PoolSourceDevice {
  std::string path;
  TriState partSeparator = TriState::Absent;
  std::vector<PoolFreeExtent> freeExtents;
  bool operator==(const PoolSourceDevice&) const = default;
};

// <adapter>: scsi_host (by name, or by parentaddr with unique_id + PCI address) or
// fc_host (NPIV vHBA by wwnn/wwpn with optional parent selectors and managed flag).
struct PciAddress {
  unsigned domain = 0, bus = 0, slot = 0, function = 0;
  bool operator==(const PciAddress&) const = default;
};

struct StorageAdapter {
  enum class Type { None, ScsiHost, FcHost };
  Type type = Type::None;
  // scsi_host
  std::string name;
  bool hasParentAddr = false;
  std::optional<std::uint32_t> uniqueId;
  PciAddress parentAddr;
  // fc_host
  std::string parent;
  std::string parentWwnn;
  std::string parentWwpn;
  std::string parentFabricWwn;
  std::string wwnn;
  std::string wwpn;
  TriState managed = TriState::Absent;
  bool operator==(const StorageAdapter&) const = default;
};

struct PoolSource {
  std::vector<PoolSourceHost> hosts;
  std::vector<PoolSourceDevice> devices;
  std::string dir;
  StorageAdapter adapter;
  std::string name;
  std::string initiatorIqn;
  std::optional<StorageAuth> auth;
  // <auth><secret type=>: libvirt keeps it as written for pools ("" when absent).
  std::string authSecretType;
  std::string vendor;
  std::string product;
  // The pool type's source format ("ext4", "nfs", "gpt", "lvm2" …); empty when not given.
  std::string format;
  std::optional<unsigned> protocolVer;  // netfs <protocol ver=>
  bool operator==(const PoolSource&) const = default;
};

struct PoolTarget {
  std::string path;
  StoragePerms perms;
  bool operator==(const PoolTarget&) const = default;
};

// <refresh><volume allocation='default|capacity'/></refresh>
enum class RefreshAllocation { Default, Capacity };

struct PoolDef {
  PoolType type = PoolType::Dir;
  std::string name;
  Uuid uuid;
  std::optional<RefreshAllocation> refreshVolumeAllocation;
  std::uint64_t capacity = 0;
  std::uint64_t allocation = 0;
  std::uint64_t available = 0;
  TriState featureCow = TriState::Absent;  // <features><cow state=/></features>
  PoolSource source;
  PoolTarget target;
  // Namespaces: fs/netfs <fs:mount_opts><fs:option name=/>, rbd <rbd:config_opts>.
  std::vector<std::string> mountOpts;
  std::vector<std::pair<std::string, std::string>> rbdConfigOpts;
  bool operator==(const PoolDef&) const = default;
};

}  // namespace virtus::model
