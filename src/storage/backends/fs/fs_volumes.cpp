// Volumes of fs and netfs pools are files in the mounted directory: the dir backend's.
#include "storage/backends/fs/fs_backend.h"

namespace virtus::storage::fs {

Result<void> FsBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  return dir_.createVol(pool, vol);
}

Result<void> FsBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  return dir_.buildVol(pool, vol, flags);
}

Result<void> FsBackend::buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                     const model::VolDef& source, unsigned flags,
                                     const driver::ProgressFn& progress) {
  return dir_.buildVolFrom(pool, vol, source, flags, progress);
}

Result<void> FsBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  return dir_.refreshVol(pool, vol);
}

Result<void> FsBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  return dir_.deleteVol(pool, vol, flags);
}

Result<void> FsBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                                  unsigned flags) {
  return dir_.resizeVol(pool, vol, capacity, flags);
}

Result<void> FsBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                driver::WipeAlgorithm algorithm, unsigned flags,
                                const driver::ProgressFn& progress) {
  return dir_.wipeVol(pool, vol, algorithm, flags, progress);
}

Result<void> FsBackend::uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                                  std::uint64_t length, unsigned flags,
                                  driver::StreamSource& source,
                                  const driver::ProgressFn& progress) {
  return dir_.uploadVol(pool, vol, offset, length, flags, source, progress);
}

Result<void> FsBackend::downloadVol(PoolRuntime& pool, const model::VolDef& vol,
                                    std::uint64_t offset, std::uint64_t length, unsigned flags,
                                    driver::StreamSink& sink, const driver::ProgressFn& progress) {
  return dir_.downloadVol(pool, vol, offset, length, flags, sink, progress);
}

}  // namespace virtus::storage::fs
