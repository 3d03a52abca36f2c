// libvirt's storage flag and enum values (include/libvirt/libvirt-storage.h). They are
// wire-visible: keep the numbers.
#pragma once

namespace virtus::driver {

// virStoragePoolState
enum class PoolState { Inactive = 0, Building = 1, Running = 2, Degraded = 3, Inaccessible = 4 };

// virConnectListAllStoragePoolsFlags
namespace list_pools {
inline constexpr unsigned kInactive = 1u << 0;
inline constexpr unsigned kActive = 1u << 1;
inline constexpr unsigned kPersistent = 1u << 2;
inline constexpr unsigned kTransient = 1u << 3;
inline constexpr unsigned kAutostart = 1u << 4;
inline constexpr unsigned kNoAutostart = 1u << 5;
// Pool types: bit (6 + n) for the libvirt type order dir, fs, netfs, logical, disk, iscsi,
// scsi, mpath, rbd, sheepdog, gluster, zfs, vstorage, then iscsi-direct (bit 19).
inline constexpr unsigned kDir = 1u << 6;
inline constexpr unsigned kFs = 1u << 7;
inline constexpr unsigned kNetfs = 1u << 8;
inline constexpr unsigned kLogical = 1u << 9;
inline constexpr unsigned kDisk = 1u << 10;
inline constexpr unsigned kIscsi = 1u << 11;
inline constexpr unsigned kScsi = 1u << 12;
inline constexpr unsigned kMpath = 1u << 13;
inline constexpr unsigned kRbd = 1u << 14;
inline constexpr unsigned kSheepdog = 1u << 15;
inline constexpr unsigned kGluster = 1u << 16;
inline constexpr unsigned kZfs = 1u << 17;
inline constexpr unsigned kVstorage = 1u << 18;
inline constexpr unsigned kIscsiDirect = 1u << 19;
}  // namespace list_pools

// virStoragePoolBuildFlags
namespace build_pool {
inline constexpr unsigned kNew = 0;
inline constexpr unsigned kRepair = 1u << 0;
inline constexpr unsigned kResize = 1u << 1;
inline constexpr unsigned kNoOverwrite = 1u << 2;
inline constexpr unsigned kOverwrite = 1u << 3;
}  // namespace build_pool

// virStoragePoolCreateFlags (pool-start and pool-create)
namespace create_pool {
inline constexpr unsigned kWithBuild = 1u << 0;
inline constexpr unsigned kWithBuildOverwrite = 1u << 1;
inline constexpr unsigned kWithBuildNoOverwrite = 1u << 2;
}  // namespace create_pool

// virStoragePoolDeleteFlags
namespace delete_pool {
inline constexpr unsigned kZeroed = 1u << 0;
}

// virStoragePoolDefineFlags
namespace define_pool {
inline constexpr unsigned kValidate = 1u << 0;
}

// virStorageXMLFlags
namespace xml_flags {
inline constexpr unsigned kInactive = 1u << 0;
}

// virStorageVolCreateFlags
namespace create_vol {
inline constexpr unsigned kPreallocMetadata = 1u << 0;
inline constexpr unsigned kReflink = 1u << 1;
inline constexpr unsigned kValidate = 1u << 2;
}  // namespace create_vol

// virStorageVolDeleteFlags
namespace delete_vol {
inline constexpr unsigned kZeroed = 1u << 0;
inline constexpr unsigned kWithSnapshots = 1u << 1;
}  // namespace delete_vol

// virStorageVolResizeFlags
namespace resize_vol {
inline constexpr unsigned kAllocate = 1u << 0;
inline constexpr unsigned kDelta = 1u << 1;
inline constexpr unsigned kShrink = 1u << 2;
}  // namespace resize_vol

// virStorageVolWipeAlgorithm
enum class WipeAlgorithm {
  Zero = 0,
  Nnsa = 1,
  Dod = 2,
  Bsi = 3,
  Gutmann = 4,
  Schneier = 5,
  Pfitzner7 = 6,
  Pfitzner33 = 7,
  Random = 8,
  Trim = 9,
};

// virStorageVolUploadFlags / virStorageVolDownloadFlags
namespace stream_flags {
inline constexpr unsigned kSparseStream = 1u << 0;
}

// virStorageVolInfoFlags
namespace vol_info {
inline constexpr unsigned kGetPhysical = 1u << 0;
}

// virConnectGetStoragePoolCapabilities takes no flags in libvirt. Virtus's own flag (libvirt's
// clients never send it) adds to every supported pool type the operations its backend
// implements (<operations>), so that what a type can do is data a client can read.
namespace pool_caps {
inline constexpr unsigned kVirtusOperations = 1u << 30;
}

}  // namespace virtus::driver
