// The `zfs` pool backend over the zfs and zpool command lines, as libvirt 9.0's
// storage_backend_zfs.c, and beyond it where the issue asks. ZFS cannot run on these
// machines: everything is tested on golden command lines and recorded output.
//
// A pool is a zpool ("tank") or a dataset in one ("tank/vms"), named by <source><name>; its
// volumes are the zvols under it, typed block, at TARGET/NAME (the target path defaults to
// /dev/zvol/SOURCE), keyed by that path, capacity volsize, allocation refreservation.
//
//   check    `zfs list -H -t filesystem -o name SOURCE` exits 0 (libvirt 9.6's check; 9.0
//            tested for the directory /dev/zvol/SOURCE, which ZFS only makes once the pool
//            has a zvol, so that an empty pool came back inactive after a restart)
//   refresh  `zpool get -Hp health,size,free,allocated ZPOOL`, then
//            `zfs list -Hp -t volume -r -o name,volsize,refreservation SOURCE`
//   build    `zpool create SOURCE DEV...` (source devices required), or for a dataset pool
//            `zfs create -o mountpoint=none SOURCE`
//   delete   `zpool destroy SOURCE`, or for a dataset pool `zfs destroy -r SOURCE`
//   (no start/stop: a zpool is there or not, as in libvirt; no find-pool-sources in libvirt)
//
// Volumes (zfs_volumes.cpp):
//   create   `zfs create [-o volmode=dev] [-s [-o refreservation=AK]] -V CK SOURCE/NAME`,
//            -o volmode=dev when `zfs get`'s usage lists volmode (libvirt's detection), -s
//            when allocation differs from capacity, sizes in KiB rounded up
//   delete   `zfs destroy SOURCE/NAME`, after a check of its clones (below)
//   Beyond libvirt:
//   resize   `zfs set volsize=BYTES SOURCE/NAME`; shrinking needs the shrink flag
//   clone    from a volume of the same pool: `zfs snapshot SOURCE/SRC@virtus-clone-NAME`,
//            `zfs clone` of it to SOURCE/NAME (instant and space-sharing; send/receive would
//            copy every block and needs a pipe between two programs), then `zfs set volsize`
//            when the clone is asked to be larger. A failed step undoes the earlier ones.
//            A clone depends on its origin's snapshot: deleting a volume that has clones is
//            refused with VIR_ERR_OPERATION_INVALID naming them (promoting a clone instead
//            would move the snapshot onto it and change what other clones hang from);
//            deleting a clone also destroys the snapshot it was made from.
//   wipe     zeros written over the zvol device (algorithm zero only)
//   upload/download: the device's bytes, by the dir backend's streams (libvirt's local ones)
//   lookup/refresh of one volume: `zfs list -Hp -t volume -o name,volsize,refreservation`
// Every command runs with BackendContext::networkTimeout as its deadline; a missed deadline
// is VIR_ERR_OPERATION_TIMEOUT, passed through unchanged.
#pragma once

#include "os/command_runner.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

StorageBackendPtr makeZfsBackend(const BackendContext& ctx);

namespace zfs {

class ZfsBackend final : public StorageBackend {
 public:
  explicit ZfsBackend(const BackendContext& ctx) : ctx_(ctx) {}

  model::PoolType type() const override { return model::PoolType::Zfs; }
  BackendFeatures features() const override;

  // Pool operations (zfs_backend.cpp)
  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override;
  Result<void> deletePool(PoolRuntime& pool, unsigned flags) override;

  // Volume operations (zfs_volumes.cpp)
  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> buildVolFrom(PoolRuntime& pool, model::VolDef& vol, const model::VolDef& source,
                            unsigned flags, const driver::ProgressFn& progress) override;
  Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<std::optional<model::VolDef>> lookupVol(PoolRuntime& pool, std::string_view name) override;
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                         unsigned flags) override;
  Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress) override;

  // Streams on the zvol device (zfs_streams.cpp), as libvirt's local upload and download.
  Result<void> uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress) override;
  Result<void> downloadVol(PoolRuntime& pool, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress) override;

 private:
  // Runs with the deadline; the exit status is the caller's to judge.
  Result<os::CommandOutput> run(os::Command cmd);
  // Runs with the deadline and requires exit status 0.
  Result<os::CommandOutput> runChecked(os::Command cmd);
  Result<bool> volmodeNeeded();

  BackendContext ctx_;
  // The dir backend's streams, which read and write any file or device.
};

// A zvol listed by `zfs list` as a volume of the pool.
model::VolDef volumeOf(const model::PoolDef& def, const std::string& dataset, std::uint64_t volsize,
                       std::uint64_t refreservation);

}  // namespace zfs
}  // namespace virtus::storage
