// A pool that is a directory on a mount point (fs, netfs, vstorage): the dir backend's
// volumes; subclasses mount and unmount.
//
// This base holds a DirBackend and forwards to it refreshPool, deletePool (the target
// directory is removed as for dir pools) and every volume operation. A subclass gives the
// pool type, checkPool, buildPool, startPool and stopPool, and its features() from
// mountedFeatures().
#pragma once

#include "storage/backends/dir/dir_backend.h"
#include "storage/storage_backend.h"

namespace virtus::storage::dir {

class DirOnMountBackend : public StorageBackend {
 public:
  // Pool operations the dir backend does on the mount point
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<void> deletePool(PoolRuntime& pool, unsigned flags) override;

  // Volume operations: the dir backend's, on the mount point
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

 protected:
  explicit DirOnMountBackend(const BackendContext& ctx) : dir_(ctx) {}

  // The dir backend's features plus startPool and stopPool (the subclass's mount and
  // unmount); no findPoolSources and no lookupVol, which this base does not forward.
  BackendFeatures mountedFeatures() const;

  DirBackend dir_;
};

}  // namespace virtus::storage::dir
