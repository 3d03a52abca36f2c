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
//   delete, refresh and every volume operation: the dir backend's, on the mount point.
// Mount and umount run with BackendContext::networkTimeout as their deadline.
#pragma once

#include <memory>

#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/vstorage/vstorage_accounts.h"
#include "storage/host_roots.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// The backend on this host's /proc and user database.
StorageBackendPtr makeVstorageBackend(const BackendContext& ctx);

namespace vstorage {

class VstorageBackend final : public StorageBackend {
 public:
  VstorageBackend(const BackendContext& ctx, HostRoots roots, std::unique_ptr<Accounts> accounts);

  model::PoolType type() const override { return model::PoolType::Vstorage; }
  BackendFeatures features() const override;

  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  Result<void> deletePool(PoolRuntime& pool, unsigned flags) override;
  Result<void> refreshPool(PoolRuntime& pool) override;

  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> buildVolFrom(PoolRuntime& pool, model::VolDef& vol, const model::VolDef& source,
                            unsigned flags, const driver::ProgressFn& progress) override;
  Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                         unsigned flags) override;
  Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress) override;
  Result<void> uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress) override;
  Result<void> downloadVol(PoolRuntime& pool, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress) override;

 private:
  BackendContext ctx_;
  HostRoots roots_;
  std::unique_ptr<Accounts> accounts_;
  dir::DirBackend dir_;
};

}  // namespace vstorage
}  // namespace virtus::storage
