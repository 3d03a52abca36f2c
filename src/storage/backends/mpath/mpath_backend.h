// The `mpath` pool backend, as libvirt 9.0's storage_backend_mpath.c: the pool is every
// device-mapper multipath map of this host (mpath_maps.h), one volume each:
//
//   name     "dm-MINOR"
//   path     /dev/mapper/NAME; key = the path (libvirt: "should use the LU's UUID instead")
//   size     capacity = allocation = the map's size; type block; perms of the node
//
//   refresh  `udevadm settle`, then the maps from sysfs; a map whose /dev/mapper node is
//            missing is reported in PoolRuntime::unreadable (libvirt drops it silently)
//   check    /dev/mapper exists
//
// Nothing to build, start or stop, and no volume operations, as in libvirt.
#pragma once

#include "storage/host_roots.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// The backend on this host's /sys and /dev.
StorageBackendPtr makeMpathBackend(const BackendContext& ctx);

namespace mpath {

class MpathBackend final : public StorageBackend {
 public:
  MpathBackend(const BackendContext& ctx, HostRoots roots);

  model::PoolType type() const override { return model::PoolType::Mpath; }
  BackendFeatures features() const override { return {}; }

  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> refreshPool(PoolRuntime& pool) override;

 private:
  BackendContext ctx_;
  HostRoots roots_;
};

}  // namespace mpath
}  // namespace virtus::storage
