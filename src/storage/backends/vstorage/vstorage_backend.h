// The `vstorage` pool backend: a Virtuozzo Storage cluster mounted on the pool's target
// directory, as libvirt 9.0's storage_backend_vstorage.c. Virtuozzo Storage does not run on
// these machines: the backend is tested on golden command lines and mount tables.
//
//   build    the target directory, as the dir backend makes it (no flags)
//   start    `vstorage-mount -c CLUSTER TARGET -m MODE -g GROUP -u USER`, the target's
//            <permissions> or libvirt's defaults (0711, this process's user and group),
//            ids given by name; nothing when the cluster is mounted there already
//   stop     `umount TARGET`, when the cluster is mounted there
//   check    a "vstorage://CLUSTER" mount on TARGET in HostRoots::proc/mounts
//   delete, refresh and every volume operation: the dir backend's, on the mount point
//            (dir::DirOnMountBackend, dir/dir_on_mount_backend.h)
// Mount and umount run with BackendContext::networkTimeout as their deadline.
#pragma once

#include <memory>

#include "storage/backends/dir/dir_on_mount_backend.h"
#include "storage/backends/vstorage/vstorage_accounts.h"
#include "storage/host_roots.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// The backend on this host's /proc and user database.
StorageBackendPtr makeVstorageBackend(const BackendContext& ctx);

namespace vstorage {

class VstorageBackend final : public dir::DirOnMountBackend {
 public:
  VstorageBackend(const BackendContext& ctx, HostRoots roots, std::unique_ptr<Accounts> accounts);

  model::PoolType type() const override { return model::PoolType::Vstorage; }
  BackendFeatures features() const override;

  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;

 private:
  BackendContext ctx_;
  HostRoots roots_;
  std::unique_ptr<Accounts> accounts_;
};

}  // namespace vstorage
}  // namespace virtus::storage
