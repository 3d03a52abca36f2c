// A storage volume definition as libvirt's storagevol.rng describes it. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/storage/storage_common.h"

namespace virtus::model {

// Same order and numbers as libvirt's virStorageVolType (used on the wire).
enum class VolType { File = 0, Block, Dir, Network, Netdir, Ploop };

struct VolSourceExtent {
  std::string path;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  bool operator==(const VolSourceExtent&) const = default;
};

struct VolSource {
  std::vector<VolSourceExtent> extents;  // <source><device path><extent start end/>
  bool operator==(const VolSource&) const = default;
};

struct VolTarget {
  std::string path;
  // Volume format name as libvirt writes it: file formats ("raw", "qcow2", "iso" …),
  // partition types for disk pools ("linux", "extended" …), empty when none applies.
  std::string format;
  StoragePerms perms;
  std::optional<StorageTimestamps> timestamps;
  std::optional<StorageEncryption> encryption;
  std::string compat;                        // qcow2 "0.10" / "1.1"
  bool lazyRefcounts = false;                // <features><lazy_refcounts/></features>
  bool extendedL2 = false;                   // <features><extended_l2/></features>
  bool hasFeatures = false;                  // <features> present (even empty)
  TriState nocow = TriState::Absent;         // <nocow/>
  std::optional<std::uint64_t> clusterSize;  // <clusterSize unit=>
  bool operator==(const VolTarget&) const = default;
};

struct VolBackingStore {
  std::string path;
  std::string format;
  StoragePerms perms;
  bool operator==(const VolBackingStore&) const = default;
};

struct VolDef {
  std::string name;
  std::string key;
  VolType type = VolType::File;
  std::uint64_t capacity = 0;
  bool hasCapacity = false;
  std::uint64_t allocation = 0;
  bool hasAllocation = false;
  std::optional<std::uint64_t> physical;  // output only: libvirt never reads it back
  VolSource source;
  VolTarget target;
  std::optional<VolBackingStore> backingStore;
  bool operator==(const VolDef&) const = default;
};

}  // namespace virtus::model
