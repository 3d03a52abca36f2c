#include "storage/backends/dir/dir_on_mount_backend.h"

namespace virtus::storage::dir {

BackendFeatures DirOnMountBackend::mountedFeatures() const {
  BackendFeatures f = dir_.features();
  f.startPool = true;
  f.stopPool = true;
  f.findPoolSources = false;
  f.lookupVol = false;
  return f;
}

Result<void> DirOnMountBackend::refreshPool(PoolRuntime& pool) {
  return dir_.refreshPool(pool);
}

Result<void> DirOnMountBackend::deletePool(PoolRuntime& pool, unsigned flags) {
  return dir_.deletePool(pool, flags);
}

Result<void> DirOnMountBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  return dir_.createVol(pool, vol);
}

Result<void> DirOnMountBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  return dir_.buildVol(pool, vol, flags);
}

Result<void> DirOnMountBackend::buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                             const model::VolDef& source, unsigned flags,
                                             const driver::ProgressFn& progress) {
  return dir_.buildVolFrom(pool, vol, source, flags, progress);
}

Result<void> DirOnMountBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  return dir_.refreshVol(pool, vol);
}

Result<void> DirOnMountBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  return dir_.deleteVol(pool, vol, flags);
}

Result<void> DirOnMountBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol,
                                          std::uint64_t capacity, unsigned flags) {
  return dir_.resizeVol(pool, vol, capacity, flags);
}

Result<void> DirOnMountBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                        driver::WipeAlgorithm algorithm, unsigned flags,
                                        const driver::ProgressFn& progress) {
  return dir_.wipeVol(pool, vol, algorithm, flags, progress);
}

Result<void> DirOnMountBackend::uploadVol(PoolRuntime& pool, model::VolDef& vol,
                                          std::uint64_t offset, std::uint64_t length,
                                          unsigned flags, driver::StreamSource& source,
                                          const driver::ProgressFn& progress) {
  return dir_.uploadVol(pool, vol, offset, length, flags, source, progress);
}

Result<void> DirOnMountBackend::downloadVol(PoolRuntime& pool, const model::VolDef& vol,
                                            std::uint64_t offset, std::uint64_t length,
                                            unsigned flags, driver::StreamSink& sink,
                                            const driver::ProgressFn& progress) {
  return dir_.downloadVol(pool, vol, offset, length, flags, sink, progress);
}

}  // namespace virtus::storage::dir
