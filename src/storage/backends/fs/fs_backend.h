// The `fs` and `netfs` pool backends (libvirt's storage_backend_fs.c): a pool is a directory
// on a mount point. The source (a block device with a filesystem, or an NFS export, a CIFS
// share, a gluster volume) is mounted on the target by startPool and unmounted by stopPool;
// everything between is the dir backend's work on that directory: refresh, deletePool and
// every volume operation come from dir::DirOnMountBackend (dir/dir_on_mount_backend.h).
//
// - checkPool: mounted, by the mount table under HostRoots.proc (see fs_mounts.h).
// - startPool: already mounted is success (libvirt); otherwise `mount` (fs_commands.h).
// - stopPool: not mounted is success (libvirt); otherwise `umount TARGET`.
// - buildPool: the target directory as for dir pools; for fs pools with
//   VIR_STORAGE_POOL_BUILD_OVERWRITE mkfs, with _NO_OVERWRITE mkfs after the device probe
//   found nothing (libvirt's virStorageBackendDeviceIsEmpty). A failed build removes the
//   target directory when it made it. netfs pools with either flag fail as in libvirt (no
//   source device to format).
// - deletePool: removes the target directory (as dir pools; DirOnMountBackend).
// - findPoolSources (netfs): NFS exports (showmount) then gluster volumes (netfs_sources.h).
// Every command has a deadline: mount, umount, showmount and gluster ctx.networkTimeout,
// mkfs the runner's default; a missed one is VIR_ERR_OPERATION_TIMEOUT, passed through.
#pragma once

#include <memory>

#include "storage/backends/dir/dir_on_mount_backend.h"
#include "storage/device_probe.h"
#include "storage/host_roots.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// The fs backend (PoolType::Fs) with libblkid's device probe.
StorageBackendPtr makeFsBackend(const BackendContext& ctx);
// The netfs backend (PoolType::Netfs).
StorageBackendPtr makeNetfsBackend(const BackendContext& ctx);

namespace fs {

class FsBackend final : public dir::DirOnMountBackend {
 public:
  // `type` is PoolType::Fs or PoolType::Netfs; `probe` must not be null.
  FsBackend(const BackendContext& ctx, model::PoolType type, std::unique_ptr<DeviceProbe> probe,
            HostRoots roots = {});

  model::PoolType type() const override { return type_; }
  BackendFeatures features() const override;

  // Pool operations (fs_backend.cpp); refreshPool, deletePool and the volume operations are
  // DirOnMountBackend's.
  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  // netfs only (netfs_find_sources.cpp)
  Result<std::string> findPoolSources(std::string_view srcSpecXml, unsigned flags) override;

 private:
  Result<void> makeFileSystem(const model::PoolDef& def, unsigned flags);
  // Runs a quick command (mount, umount, showmount, gluster) with ctx.networkTimeout.
  os::Command withDeadline(os::Command cmd) const;

  BackendContext ctx_;
  model::PoolType type_;
  std::unique_ptr<DeviceProbe> probe_;
  HostRoots roots_;
};

}  // namespace fs
}  // namespace virtus::storage
