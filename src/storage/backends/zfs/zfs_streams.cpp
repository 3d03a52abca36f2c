// The zfs backend's volume streams: the zvol is a block device, read and written as the dir
// backend reads and writes files (libvirt's virStorageBackendVolUploadLocal/DownloadLocal).
#include "storage/backends/zfs/zfs_backend.h"

#include "storage/backends/dir/local_streams.h"

namespace virtus::storage::zfs {

Result<void> ZfsBackend::uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                                   std::uint64_t length, unsigned flags,
                                   driver::StreamSource& source,
                                   const driver::ProgressFn& progress) {
  (void)pool;
  return dir::uploadLocal(ctx_.fs, vol, offset, length, flags, source, progress);
}

Result<void> ZfsBackend::downloadVol(PoolRuntime& pool, const model::VolDef& vol,
                                     std::uint64_t offset, std::uint64_t length, unsigned flags,
                                     driver::StreamSink& sink, const driver::ProgressFn& progress) {
  (void)pool;
  return dir::downloadLocal(ctx_.fs, vol, offset, length, flags, sink, progress);
}

}  // namespace virtus::storage::zfs
