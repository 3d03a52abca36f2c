// The `dir` pool backend: a pool is a directory, its volumes are the files (and
// subdirectories) in it, as libvirt's storage_backend_fs.c with storage_util.c.
//
// Contract with the manager, beyond storage_backend.h:
// - resizeVol receives the FINAL capacity: the manager resolves resize_vol::kDelta (and
//   kShrink with kDelta) against the volume's current capacity before calling. The backend
//   still applies libvirt's checks (shrink flag, allocation floor, pool free space with
//   kAllocate) to that final value and rejects kDelta if it is passed through.
// - buildVolFrom takes the capacity from `vol` but never less than the source's.
// - Volume definitions keep `target.format` empty for "raw".
// - refreshPool leaves a ProbeCache (probe_cache.h) in PoolRuntime::refreshCache and reuses
//   the one it finds there: a repeated refresh stats unchanged files instead of reading their
//   headers. The manager must carry refreshCache from one call's PoolRuntime to the next for
//   that to pay; without it every refresh probes every file, with the same results.
#pragma once

#include <cstddef>

#include "os/command.h"
#include "storage/backend_registry.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

StorageBackendPtr makeDirBackend(const BackendContext& ctx);

// Adds PoolType::Dir to `registry`.
void registerDirBackend(BackendRegistry& registry);

namespace dir {

class DirBackend final : public StorageBackend {
 public:
  // refreshThreads: at most this many threads probe files during a refresh (see
  // defaultRefreshThreads); small pools use fewer.
  explicit DirBackend(const BackendContext& ctx,
                      std::size_t refreshThreads = defaultRefreshThreads());

  // One per hardware thread, at most 8: refresh work is system calls, which scale with cores,
  // not beyond them.
  static std::size_t defaultRefreshThreads();

  model::PoolType type() const override { return model::PoolType::Dir; }
  BackendFeatures features() const override;

  // Pool operations (dir_backend.cpp)
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> deletePool(PoolRuntime& pool, unsigned flags) override;

  // Volume operations (dir_volumes.cpp)
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

  // Streams (dir_streams.cpp)
  Result<void> uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress) override;
  Result<void> downloadVol(PoolRuntime& pool, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress) override;

 private:
  Result<void> buildRaw(model::VolDef& vol, const model::VolDef* source, unsigned flags,
                        const driver::ProgressFn& progress);
  Result<void> buildDirVolume(model::VolDef& vol);
  // A reflink of an image file, byte for byte (clones with VIR_STORAGE_VOL_CREATE_REFLINK).
  Result<void> cloneImageFile(model::VolDef& vol, const model::VolDef& source,
                              const driver::ProgressFn& progress);
  Result<void> buildQcow2Native(model::VolDef& vol, unsigned flags);
  Result<void> runQemuImgBuild(model::VolDef& vol, const os::Command& cmd);
  Result<std::string> backingFormatOf(const PoolRuntime& pool, const model::VolDef& vol);
  Result<void> applyOwnership(const model::VolDef& vol);

  BackendContext ctx_;
  std::size_t refreshThreads_;
};

}  // namespace dir
}  // namespace virtus::storage
