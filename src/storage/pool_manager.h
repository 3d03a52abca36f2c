// The storage pool manager: libvirt's storage driver (storage_driver.c) over a table of
// PoolObjects, with backends from a BackendRegistry and state under a RootPaths tree.
//
// Locking: one table mutex guards every PoolObject; it is held only for short,
// I/O-free sections. Backends run under a PoolJob (pool_job.h) with no lock held, so that
// info, XML, lists and lookups never wait for storage. Config-file writers (define,
// undefine, autostart) are serialized by their own mutex, which readers never take.
#pragma once

#include <array>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "driver/storage_driver.h"
#include "os/root_paths.h"
#include "storage/backend_registry.h"
#include "storage/pool_object.h"
#include "storage/pool_state_store.h"

namespace virtus::storage {

class PoolJob;

class PoolManager final : public driver::StorageDriver {
 public:
  // One backend per registered type is created now; `context` must outlive the manager.
  PoolManager(const BackendRegistry& registry, const BackendContext& context, os::RootPaths paths);
  ~PoolManager() override;

  // Loads the definitions and state files, keeps pools whose state file exists and whose
  // backend's checkPool confirms them active (refreshing them), then, with `autostart`,
  // starts the autostart pools (libvirt's storageStateInitialize). Call once, before the
  // manager is shared. Returns the problems met (broken files, pools that failed to
  // start); none of them is fatal.
  std::vector<Error> loadState(bool autostart = true);

  // Pools
  Result<std::vector<driver::PoolHandle>> listAllPools(unsigned flags) override;
  Result<driver::PoolHandle> lookupPoolByName(std::string_view name) override;
  Result<driver::PoolHandle> lookupPoolByUuid(const Uuid& uuid) override;
  Result<driver::PoolHandle> lookupPoolByVolume(const driver::VolHandle& vol) override;
  Result<driver::PoolHandle> definePool(std::string_view xml, unsigned flags) override;
  Result<driver::PoolHandle> createPool(std::string_view xml, unsigned flags) override;
  Result<void> undefinePool(const driver::PoolHandle& pool) override;
  Result<void> buildPool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<void> startPool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<void> destroyPool(const driver::PoolHandle& pool) override;
  Result<void> deletePool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<void> refreshPool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<driver::PoolInfo> poolInfo(const driver::PoolHandle& pool) override;
  Result<std::string> poolXml(const driver::PoolHandle& pool, unsigned flags) override;
  Result<bool> poolAutostart(const driver::PoolHandle& pool) override;
  Result<void> setPoolAutostart(const driver::PoolHandle& pool, bool autostart) override;
  Result<bool> poolIsActive(const driver::PoolHandle& pool) override;
  Result<bool> poolIsPersistent(const driver::PoolHandle& pool) override;
  Result<driver::PoolStatus> poolStatus(const driver::PoolHandle& handle) override;
  Result<driver::PoolHandle> lookupPoolByTargetPath(std::string_view path) override;
  Result<std::string> findPoolSources(std::string_view type, std::string_view srcSpecXml,
                                      unsigned flags) override;
  Result<std::string> poolCapabilities(unsigned flags) override;

  // Volumes
  Result<std::vector<driver::VolHandle>> listAllVolumes(const driver::PoolHandle& pool,
                                                        unsigned flags) override;
  Result<driver::VolHandle> lookupVolByName(const driver::PoolHandle& pool,
                                            std::string_view name) override;
  Result<driver::VolHandle> lookupVolByKey(std::string_view key) override;
  Result<driver::VolHandle> lookupVolByPath(std::string_view path) override;
  Result<driver::VolHandle> createVol(const driver::PoolHandle& pool, std::string_view xml,
                                      unsigned flags) override;
  Result<driver::VolHandle> createVolFrom(const driver::PoolHandle& pool, std::string_view xml,
                                          const driver::VolHandle& source, unsigned flags,
                                          const driver::ProgressFn& progress = {}) override;
  Result<void> deleteVol(const driver::VolHandle& vol, unsigned flags) override;
  Result<void> wipeVol(const driver::VolHandle& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress = {}) override;
  Result<void> resizeVol(const driver::VolHandle& vol, std::uint64_t capacity,
                         unsigned flags) override;
  Result<driver::VolInfo> volInfo(const driver::VolHandle& vol, unsigned flags) override;
  Result<std::string> volXml(const driver::VolHandle& vol, unsigned flags) override;
  Result<std::string> volPath(const driver::VolHandle& vol) override;
  Result<void> uploadVol(const driver::VolHandle& vol, std::uint64_t offset, std::uint64_t length,
                         unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress = {}) override;
  Result<void> downloadVol(const driver::VolHandle& vol, std::uint64_t offset, std::uint64_t length,
                           unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress = {}) override;

  const os::RootPaths& paths() const { return paths_; }

 private:
  using Lock = std::unique_lock<std::mutex>;
  struct PoolRef {
    PoolObjectPtr pool;
    StorageBackend* backend = nullptr;
  };
  struct VolRef {
    PoolObjectPtr pool;
    VolumeObjectPtr vol;
    StorageBackend* backend = nullptr;
  };

  Result<StorageBackend*> backendFor(model::PoolType type) const;
  PoolObjectPtr findByNameLocked(std::string_view name) const;
  PoolObjectPtr findByUuidLocked(const Uuid& uuid) const;
  // The pool a handle names (by UUID, as libvirt), with libvirt's not-found error.
  Result<PoolObjectPtr> poolOfHandle(const driver::PoolHandle& handle) const;
  // Same, after waiting out any exclusive job on it.
  Result<PoolObjectPtr> idlePoolOfHandle(Lock& lock, const driver::PoolHandle& handle);
  // Same, with its backend, for an exclusive job that needs the pool active (or, with
  // `active` false, inactive) and without asynchronous jobs: destroy, refresh, delete.
  Result<PoolRef> idlePoolForJob(Lock& lock, const driver::PoolHandle& handle, bool active);
  // libvirt's virStorageVolDefFromVol: active pool by name, then the volume; with
  // `waitIdle`, after the pool's exclusive job ended.
  Result<VolRef> volOfHandle(Lock& lock, const driver::VolHandle& handle, bool waitIdle);
  // volOfHandle for an operation on the volume's storage: refuses a volume being built
  // and, unless `allowInUse`, one that another operation is using.
  Result<VolRef> volForJob(Lock& lock, const driver::VolHandle& handle, bool allowInUse);
  // Runs a backend call on one volume under an asynchronous job (pool_manager_volumes.cpp).
  template <class Work, class Apply>
  Result<void> runVolumeJob(Lock& lock, const VolRef& ref, Work&& work, Apply&& apply);
  // libvirt's "pool 'x' is already defined with uuid …" / "… already exists with uuid …".
  Result<void> checkNameAndUuidLocked(const model::PoolDef& def) const;
  void removePoolLocked(const PoolObjectPtr& pool);
  // The pool stopped: it takes its pending config, or leaves the table if transient.
  void markInactiveLocked(const PoolObjectPtr& pool);
  // After a backend call on `pool` (lock held): a timeout makes the pool unhealthy, a
  // success healthy again, other errors leave its health as it was.
  void noteHealthLocked(PoolObject& pool, const Error* error) const;
  template <class T>
  const Result<T>& noteHealthLocked(PoolObject& pool, const Result<T>& result) const {
    noteHealthLocked(pool, result ? nullptr : &result.error());
    return result;
  }
  static PoolRuntime runtimeOf(const PoolObject& pool);
  static void adoptRuntime(PoolObject& pool, PoolRuntime&& runtime);
  // Build (optionally), start, save state, refresh; the caller holds an exclusive job.
  // Leaves the pool active on success, inactive (or removed, if transient) on failure.
  Result<void> startWithJob(Lock& lock, PoolJob& job, StorageBackend& backend, bool build,
                            unsigned buildFlags);
  // Refreshes a volume's definition outside the lock and stores the result back.
  Result<model::VolDef> refreshedVolume(Lock& lock, const VolRef& ref);

  BackendContext context_;
  os::RootPaths paths_;
  PoolStateStore store_;
  std::array<StorageBackendPtr, model::kPoolTypeCount> backends_;

  mutable std::mutex mutex_;         // the table and every PoolObject
  std::condition_variable changed_;  // a job ended
  std::mutex configMutex_;           // serializes writers of config files and links
  std::vector<PoolObjectPtr> pools_;
};

}  // namespace virtus::storage
