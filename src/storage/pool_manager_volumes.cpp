// PoolManager: the volume calls (libvirt's storageVolCreateXML, CreateXMLFrom, Delete, Wipe,
// Resize, GetInfo, GetXMLDesc, GetPath, Upload, Download). Each works on copies under a
// PoolJob, with the table lock released while the backend runs.
#include <algorithm>
#include <utility>

#include "storage/pool_job.h"
#include "storage/pool_manager.h"
#include "storage/pool_manager_internal.h"
#include "storage/storage_xml.h"

namespace virtus::storage {

using driver::PoolHandle;
using driver::VolHandle;
using namespace pool_manager_detail;

namespace {

Error noSupport(std::string message) {
  return storageError(ErrorCode::NoSupport, std::move(message));
}

// A volume being created: in the pool's list (so that its name is taken) while it builds.
VolumeObjectPtr addVolumeLocked(PoolObject& pool, const model::VolDef& def) {
  auto vol = std::make_shared<VolumeObject>();
  vol->def = def;
  pool.volumes.push_back(vol);
  return vol;
}

// Reads a freshly built volume back; on failure removes what was built.
Result<void> refreshNewVolume(StorageBackend& backend, const BackendFeatures& features,
                              PoolRuntime& runtime, model::VolDef& built) {
  if (!features.refreshVol)
    return ok();
  if (auto r = backend.refreshVol(runtime, built); !r) {
    if (features.deleteVol)
      (void)backend.deleteVol(runtime, built, 0);
    return r;
  }
  return ok();
}

// The end of a volume creation, with the lock taken again: the volume is kept with what
// the build learned, or dropped when the build failed.
// With the table lock held again.
Result<VolHandle> finishNewVolume(PoolObject& pool, const VolumeObjectPtr& vol, Result<void> built,
                                  const model::VolDef& def) {
  if (!built) {
    pool.removeVolume(vol);
    return std::move(built).error();
  }
  vol->def = def;
  chargeAllocation(pool.def, def.allocation);
  return volHandleOf(pool, *vol);
}

}  // namespace

Result<PoolManager::VolRef> PoolManager::volForJob(Lock& lock, const VolHandle& handle,
                                                   bool allowInUse) {
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, true));
  if (!allowInUse && ref.vol->inUse)
    return volumeInUse(*ref.vol);
  if (ref.vol->building)
    return volumeBuilding(*ref.vol);
  return ref;
}

// Under an asynchronous job on the pool that marks the volume in use, `work(runtime, def)`
// runs on copies without the lock; on success `apply(def)` stores its outcome, lock held,
// before the job ends. Returns with the lock held.
template <class Work, class Apply>
Result<void> PoolManager::runVolumeJob(Lock& lock, const VolRef& ref, Work&& work, Apply&& apply) {
  PoolJob job(lock, changed_, ref.pool, PoolJob::Kind::Async, ref.vol, PoolJob::VolumeMark::InUse);
  PoolRuntime runtime = runtimeOf(*ref.pool);
  model::VolDef def = ref.vol->def;
  lock.unlock();
  Result<void> result = work(runtime, def);
  lock.lock();
  noteHealthLocked(*ref.pool, result);
  if (result)
    apply(def);
  return result;
}

// ---- creation -------------------------------------------------------------------------

Result<VolHandle> PoolManager::createVol(const PoolHandle& handle, std::string_view xml,
                                         unsigned flags) {
  using namespace driver::create_vol;
  TRY(checkFlags(flags, kPreallocMetadata | kValidate, "virStorageVolCreateXML"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  if (!pool->active)
    return notActive(*pool);
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  const BackendFeatures features = backend->features();
  // Parsing (and, with VALIDATE, reading the schema) happens without the lock, on a copy
  // of the pool's definition; the pool is looked at again afterwards.
  const model::PoolDef poolDef = pool->def;
  lock.unlock();
  TRY_ASSIGN(auto def, parseVolDefinition(poolDef, xml, VolCapacity::RequiredUnlessBacking,
                                          flags & kValidate));
  if (def.capacity == 0 && !features.buildVol) {
    return noSupport("volume capacity required for this storage pool");
  }
  lock.lock();
  TRY_ASSIGN(pool, idlePoolOfHandle(lock, handle));
  if (!pool->active)
    return notActive(*pool);
  if (pool->findVolumeByName(def.name)) {
    return storageError(ErrorCode::StorageVolExist, quoted(def.name));
  }
  if (!features.createVol)
    return noSupport("storage pool does not support volume creation");
  // The backend makes the canonical key; the name is reserved now (the volume is listed as
  // building) and the backend runs, like everything touching storage, without the lock.
  def.key.clear();
  PoolRuntime runtime = runtimeOf(*pool);
  auto vol = addVolumeLocked(*pool, def);

  PoolJob job(lock, changed_, pool, PoolJob::Kind::Async, vol, PoolJob::VolumeMark::Building);
  lock.unlock();
  model::VolDef built = def;
  auto run = [&]() -> Result<void> {
    TRY(backend->createVol(runtime, built));
    // buildVol removes whatever it created when it fails. VALIDATE is the parser's flag:
    // backends check theirs and never see it.
    if (features.buildVol)
      TRY(backend->buildVol(runtime, built, flags & ~kValidate));
    return refreshNewVolume(*backend, features, runtime, built);
  };
  auto result = run();
  lock.lock();
  noteHealthLocked(*pool, result);
  return finishNewVolume(*pool, vol, std::move(result), built);
}

Result<VolHandle> PoolManager::createVolFrom(const PoolHandle& handle, std::string_view xml,
                                             const VolHandle& source, unsigned flags,
                                             const driver::ProgressFn& progress) {
  using namespace driver::create_vol;
  TRY(checkFlags(flags, kPreallocMetadata | kReflink | kValidate, "virStorageVolCreateXMLFrom"));
  Lock lock(mutex_);
  // Parse without the lock, on a copy of the target pool's definition (see createVol).
  model::PoolDef poolDef;
  {
    TRY_ASSIGN(auto target, poolOfHandle(handle));
    poolDef = target->def;
  }
  lock.unlock();
  TRY_ASSIGN(auto def, parseVolDefinition(poolDef, xml, VolCapacity::Optional, flags & kValidate));
  lock.lock();
  PoolObjectPtr pool, srcPool;
  for (;;) {
    TRY_ASSIGN(pool, poolOfHandle(handle));
    srcPool = pool;
    if (source.pool != handle.name) {
      srcPool = findByNameLocked(source.pool);
      if (!srcPool)
        return noPoolNamed(source.pool);
    }
    if (pool->exclusiveJob) {
      PoolJob::waitForExclusive(lock, changed_, *pool);
      continue;
    }
    if (srcPool->exclusiveJob) {
      PoolJob::waitForExclusive(lock, changed_, *srcPool);
      continue;
    }
    break;
  }
  if (!pool->active)
    return notActive(*pool);
  if (!srcPool->active)
    return notActive(*srcPool);
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  const BackendFeatures features = backend->features();
  auto srcVol = srcPool->findVolumeByName(source.name);
  if (!srcVol)
    return noVolumeNamed(source.name);
  if (pool->def.type != poolDef.type) {
    // Undefined and redefined as another type while the definition was parsed.
    return storageError(ErrorCode::OperationFailed,
                        "storage pool " + quoted(pool->def.name) +
                            " changed while the volume definition was parsed");
  }
  if (pool->findVolumeByName(def.name)) {
    return storageError(ErrorCode::InternalError,
                        "storage volume name " + quoted(def.name) + " already in use.");
  }
  // The clone is at least as large as its source; without <allocation> it is allocated
  // in full, as libvirt documents.
  if (def.capacity < srcVol->def.capacity)
    def.capacity = srcVol->def.capacity;
  if (!def.hasAllocation)
    def.allocation = def.capacity;
  if (!features.buildVolFrom) {
    return noSupport("storage pool does not support volume creation from an existing volume");
  }
  if (srcVol->building)
    return volumeBuilding(*srcVol);
  if (!features.createVol)
    return noSupport("storage pool does not support volume creation");
  def.key.clear();
  PoolRuntime runtime = runtimeOf(*pool);
  PoolRuntime srcRuntime = srcPool == pool ? PoolRuntime{} : runtimeOf(*srcPool);
  model::VolDef srcDef = srcVol->def;
  auto vol = addVolumeLocked(*pool, def);

  PoolJob job(lock, changed_, pool, PoolJob::Kind::Async, vol, PoolJob::VolumeMark::Building);
  PoolJob srcJob(lock, changed_, srcPool, PoolJob::Kind::Async, srcVol, PoolJob::VolumeMark::InUse);
  lock.unlock();
  model::VolDef built = def;
  auto run = [&]() -> Result<void> {
    if (features.refreshVol) {
      PoolRuntime& sr = srcPool == pool ? runtime : srcRuntime;
      auto srcBackend = backendFor(srcPool->def.type);
      if (srcBackend)
        TRY((*srcBackend)->refreshVol(sr, srcDef));
    }
    TRY(backend->createVol(runtime, built));
    TRY(backend->buildVolFrom(runtime, built, srcDef, flags & ~kValidate, progress));
    return refreshNewVolume(*backend, features, runtime, built);
  };
  auto result = run();
  lock.lock();
  noteHealthLocked(*pool, result);
  return finishNewVolume(*pool, vol, std::move(result), built);
}

// ---- operations on existing volumes ---------------------------------------------------

Result<void> PoolManager::deleteVol(const VolHandle& handle, unsigned flags) {
  using namespace driver::delete_vol;
  TRY(checkFlags(flags, kZeroed | kWithSnapshots, "virStorageVolDelete"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volForJob(lock, handle, false));
  if (!ref.backend->features().deleteVol) {
    return noSupport("storage pool does not support vol deletion");
  }
  return runVolumeJob(
      lock, ref,
      [&](PoolRuntime& runtime, model::VolDef& def) {
        return ref.backend->deleteVol(runtime, def, flags);
      },
      [&](const model::VolDef&) {
        releaseAllocation(ref.pool->def, ref.vol->def.allocation);
        ref.pool->removeVolume(ref.vol);
      });
}

Result<void> PoolManager::wipeVol(const VolHandle& handle, driver::WipeAlgorithm algorithm,
                                  unsigned flags, const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, 0, "virStorageVolWipePattern"));
  int alg = static_cast<int>(algorithm);
  if (alg < 0 || alg > static_cast<int>(driver::WipeAlgorithm::Trim)) {
    return storageError(ErrorCode::InvalidArg,
                        "wiping algorithm " + std::to_string(alg) + " not supported");
  }
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volForJob(lock, handle, false));
  const BackendFeatures features = ref.backend->features();
  if (!features.wipeVol)
    return noSupport("storage pool doesn't support volume wiping");
  return runVolumeJob(
      lock, ref,
      [&](PoolRuntime& runtime, model::VolDef& def) -> Result<void> {
        TRY(ref.backend->wipeVol(runtime, def, algorithm, flags, progress));
        // Wiping changes what the volume holds (allocation, format): read it again.
        if (features.refreshVol)
          TRY(ref.backend->refreshVol(runtime, def));
        return ok();
      },
      [&](const model::VolDef& def) { ref.vol->def = def; });
}

Result<void> PoolManager::resizeVol(const VolHandle& handle, std::uint64_t capacity,
                                    unsigned flags) {
  using namespace driver::resize_vol;
  TRY(checkFlags(flags, kAllocate | kDelta | kShrink, "virStorageVolResize"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volForJob(lock, handle, false));
  const model::VolDef& cur = ref.vol->def;
  std::uint64_t absCapacity = capacity;
  if (flags & kDelta) {
    absCapacity = (flags & kShrink) ? cur.capacity - std::min(capacity, cur.capacity)
                                    : cur.capacity + capacity;
    flags &= ~kDelta;
  }
  if (absCapacity < cur.allocation) {
    return storageError(ErrorCode::InvalidArg, "can't shrink capacity below existing allocation");
  }
  if (absCapacity < cur.capacity && !(flags & kShrink)) {
    return storageError(ErrorCode::InvalidArg,
                        "Can't shrink capacity below current capacity unless shrink flag "
                        "explicitly specified");
  }
  std::uint64_t delta = (flags & kAllocate) ? absCapacity - cur.allocation : 0;
  if (delta > ref.pool->def.available) {
    return storageError(ErrorCode::OperationFailed, "Not enough space left in storage pool");
  }
  if (!ref.backend->features().resizeVol) {
    return noSupport("storage pool does not support changing of volume capacity");
  }
  return runVolumeJob(
      lock, ref,
      [&](PoolRuntime& runtime, model::VolDef& def) {
        return ref.backend->resizeVol(runtime, def, absCapacity, flags);
      },
      [&](const model::VolDef&) {
        ref.vol->def.capacity = absCapacity;
        if (flags & kAllocate) {
          ref.vol->def.allocation = absCapacity;
          chargeAllocation(ref.pool->def, delta);
        }
      });
}

Result<void> PoolManager::uploadVol(const VolHandle& handle, std::uint64_t offset,
                                    std::uint64_t length, unsigned flags,
                                    driver::StreamSource& source,
                                    const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, driver::stream_flags::kSparseStream, "virStorageVolUpload"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volForJob(lock, handle, false));
  const BackendFeatures features = ref.backend->features();
  if (!features.uploadVol)
    return noSupport("storage pool doesn't support volume upload");
  return runVolumeJob(
      lock, ref,
      [&](PoolRuntime& runtime, model::VolDef& def) -> Result<void> {
        TRY(ref.backend->uploadVol(runtime, def, offset, length, flags, source, progress));
        // libvirt refreshes the whole pool when the stream closes; the volume is what
        // changed.
        if (features.refreshVol)
          TRY(ref.backend->refreshVol(runtime, def));
        return ok();
      },
      [&](const model::VolDef& def) { ref.vol->def = def; });
}

Result<void> PoolManager::downloadVol(const VolHandle& handle, std::uint64_t offset,
                                      std::uint64_t length, unsigned flags,
                                      driver::StreamSink& sink,
                                      const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, driver::stream_flags::kSparseStream, "virStorageVolDownload"));
  Lock lock(mutex_);
  // Readers may share a volume with other readers.
  TRY_ASSIGN(auto ref, volForJob(lock, handle, true));
  if (!ref.backend->features().downloadVol) {
    return noSupport("storage pool doesn't support volume download");
  }
  return runVolumeJob(
      lock, ref,
      [&](PoolRuntime& runtime, model::VolDef& def) {
        return ref.backend->downloadVol(runtime, def, offset, length, flags, sink, progress);
      },
      [](const model::VolDef&) {});
}

// ---- queries --------------------------------------------------------------------------

Result<model::VolDef> PoolManager::refreshedVolume(Lock& lock, const VolRef& ref) {
  model::VolDef def = ref.vol->def;
  if (!ref.backend->features().refreshVol)
    return def;
  PoolRuntime runtime;
  runtime.def = ref.pool->def;
  lock.unlock();
  auto refreshed = ref.backend->refreshVol(runtime, def);
  lock.lock();
  noteHealthLocked(*ref.pool, refreshed);
  TRY(refreshed);
  // Keep what was learned, unless the volume went away or is being rebuilt meanwhile.
  if (!ref.pool->removed && ref.pool->findVolumeByName(def.name) == ref.vol && !ref.vol->building) {
    ref.vol->def = def;
  }
  return def;
}

Result<driver::VolInfo> PoolManager::volInfo(const VolHandle& handle, unsigned flags) {
  TRY(checkFlags(flags, driver::vol_info::kGetPhysical, "virStorageVolGetInfoFlags"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, false));
  TRY_ASSIGN(auto def, refreshedVolume(lock, ref));
  driver::VolInfo info;
  info.type = def.type;
  info.capacity = def.capacity;
  info.allocation =
      (flags & driver::vol_info::kGetPhysical) ? def.physical.value_or(0) : def.allocation;
  return info;
}

Result<std::string> PoolManager::volXml(const VolHandle& handle, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageVolGetXMLDesc"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, false));
  TRY_ASSIGN(auto def, refreshedVolume(lock, ref));
  model::PoolDef poolDef = ref.pool->def;
  lock.unlock();
  return formatVolDefinition(poolDef, def);
}

Result<std::string> PoolManager::volPath(const VolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, false));
  return ref.vol->def.target.path;
}

}  // namespace virtus::storage
