// PoolManager: the life of pools (libvirt's storageStateInitialize, storagePoolDefineXML,
// storagePoolCreateXML, storagePoolCreate, Build, Destroy, Delete, Undefine, Refresh,
// SetAutostart). Backends and files are reached only with the table lock released.
#include <utility>

#include "storage/pool_job.h"
#include "storage/pool_manager.h"
#include "storage/pool_manager_internal.h"
#include "storage/storage_xml.h"

namespace virtus::storage {

using driver::PoolHandle;
using namespace pool_manager_detail;

namespace {

// What virStoragePoolCreateFlags ask of the build before a start.
struct StartBuild {
  bool build = false;
  unsigned buildFlags = 0;  // virStoragePoolBuildFlags
};

Result<StartBuild> startBuildOf(unsigned flags, const char* function) {
  using namespace driver::create_pool;
  TRY(checkFlags(flags, kWithBuild | kWithBuildOverwrite | kWithBuildNoOverwrite, function));
  if ((flags & kWithBuildOverwrite) && (flags & kWithBuildNoOverwrite)) {
    return storageError(ErrorCode::InvalidArg,
                        "Flags 'VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE' and "
                        "'VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE' are mutually "
                        "exclusive");
  }
  StartBuild out;
  if (flags & kWithBuildOverwrite) {
    out.buildFlags = driver::build_pool::kOverwrite;
  } else if (flags & kWithBuildNoOverwrite) {
    out.buildFlags = driver::build_pool::kNoOverwrite;
  }
  out.build = out.buildFlags || (flags & kWithBuild);
  return out;
}

}  // namespace

void PoolManager::markInactiveLocked(const PoolObjectPtr& pool) {
  // An inactive pool lists no volumes and keeps nothing from its refreshes.
  pool->active = false;
  pool->volumes.clear();
  pool->unreadable.clear();
  pool->refreshCache.reset();
  if (!pool->updateInactive())
    removePoolLocked(pool);
}

Result<PoolManager::PoolRef> PoolManager::idlePoolForJob(Lock& lock, const PoolHandle& handle,
                                                         bool active) {
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (active && !pool->active)
    return notActive(*pool);
  if (!active && pool->active)
    return stillActive(*pool);
  if (pool->asyncJobs > 0)
    return asyncJobsRunning(*pool);
  return PoolRef{pool, backend};
}

Result<void> PoolManager::checkNameAndUuidLocked(const model::PoolDef& def) const {
  auto byUuid = findByUuidLocked(def.uuid);
  if (byUuid && byUuid->def.name != def.name) {
    return storageError(ErrorCode::OperationFailed, "pool " + quoted(byUuid->def.name) +
                                                        " is already defined with uuid " +
                                                        byUuid->def.uuid.str());
  }
  if (!byUuid) {
    if (auto byName = findByNameLocked(def.name)) {
      return storageError(
          ErrorCode::OperationFailed,
          "pool " + quoted(def.name) + " already exists with uuid " + byName->def.uuid.str());
    }
  }
  return ok();
}

// ---- state on disk ------------------------------------------------------------------

std::vector<Error> PoolManager::loadState(bool autostart) {
  LoadedPools loaded = store_.loadAll();
  std::vector<Error> problems = std::move(loaded.problems);
  Lock lock(mutex_);

  // Pools that were active: their live definitions.
  std::vector<PoolObjectPtr> wereActive;
  for (auto& def : loaded.states) {
    if (findByNameLocked(def.name) || findByUuidLocked(def.uuid))
      continue;
    auto pool = std::make_shared<PoolObject>();
    pool->def = std::move(def);
    pool->active = true;
    pools_.push_back(pool);
    wereActive.push_back(pool);
  }
  // Persistent definitions; for a pool that was active, the config waits in newDef.
  for (auto& config : loaded.configs) {
    auto byName = findByNameLocked(config.def.name);
    auto byUuid = findByUuidLocked(config.def.uuid);
    if (byUuid != byName) {
      problems.push_back(storageError(ErrorCode::OperationFailed,
                                      "pool '" + config.def.name + "' conflicts with the uuid " +
                                          config.def.uuid.str() + " of pool '" +
                                          (byUuid ? byUuid->def.name : config.def.name) + "'"));
      continue;
    }
    if (byName) {
      if (!(byName->def == config.def))
        byName->newDef = std::make_unique<model::PoolDef>(std::move(config.def));
      byName->persistent = true;
      byName->autostart = config.autostart;
      continue;
    }
    auto pool = std::make_shared<PoolObject>();
    pool->def = std::move(config.def);
    pool->persistent = true;
    pool->autostart = config.autostart;
    pools_.push_back(pool);
  }

  // Is each previously active pool still there?
  for (auto& pool : wereActive) {
    auto backend = backendFor(pool->def.type);
    PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
    PoolRuntime runtime = runtimeOf(*pool);
    std::string name = pool->def.name;
    lock.unlock();
    bool active = false;
    std::optional<Error> failure;  // the backend's, for the pool's health
    if (!backend) {
      problems.push_back(backend.error());
    } else if (auto checked = (*backend)->checkPool(runtime); !checked) {
      failure = checked.error();
      problems.push_back(storageError(
          ErrorCode::InternalError,
          "Failed to initialize storage pool '" + name + "': " + checked.error().text()));
    } else if (*checked) {
      if (auto refreshed = (*backend)->refreshPool(runtime); refreshed) {
        active = true;
      } else {
        failure = refreshed.error();
        problems.push_back(storageError(
            ErrorCode::InternalError,
            "Failed to restart storage pool '" + name + "': " + refreshed.error().text()));
        (void)(*backend)->stopPool(runtime);
      }
    }
    if (!active)
      store_.removeState(name);
    lock.lock();
    if (active || failure)
      noteHealthLocked(*pool, failure ? &*failure : nullptr);
    if (active) {
      adoptRuntime(*pool, std::move(runtime));
    } else {
      markInactiveLocked(pool);
    }
    job.end();
  }

  if (autostart) {
    std::vector<PoolObjectPtr> candidates;
    for (const auto& p : pools_) {
      if (p->autostart && !p->active)
        candidates.push_back(p);
    }
    for (auto& pool : candidates) {
      auto backend = backendFor(pool->def.type);
      if (!backend) {
        problems.push_back(backend.error());
        continue;
      }
      PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
      if (auto started = startWithJob(lock, job, **backend, false, 0); !started) {
        problems.push_back(storageError(ErrorCode::InternalError,
                                        "Failed to autostart storage pool '" + pool->def.name +
                                            "': " + started.error().text()));
      }
    }
  }
  return problems;
}

Result<void> PoolManager::startWithJob(Lock& lock, PoolJob& job, StorageBackend& backend,
                                       bool build, unsigned buildFlags) {
  const PoolObjectPtr pool = job.pool();
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  auto run = [&]() -> Result<void> {
    if (build && backend.features().buildPool)
      TRY(backend.buildPool(runtime, buildFlags));
    TRY(backend.startPool(runtime));
    if (auto saved = store_.saveState(runtime.def); !saved) {
      (void)backend.stopPool(runtime);
      return saved;
    }
    if (auto refreshed = backend.refreshPool(runtime); !refreshed) {
      store_.removeState(runtime.def.name);
      (void)backend.stopPool(runtime);
      return refreshed;
    }
    return ok();
  };
  auto result = run();
  lock.lock();
  noteHealthLocked(*pool, result);
  if (result) {
    adoptRuntime(*pool, std::move(runtime));
    pool->active = true;
  } else {
    markInactiveLocked(pool);  // it was not active: a start only runs on inactive pools
  }
  job.end();
  return result;
}

// ---- pool lifecycle ------------------------------------------------------------------

Result<PoolHandle> PoolManager::definePool(std::string_view xml, unsigned flags) {
  TRY(checkFlags(flags, driver::define_pool::kValidate, "virStoragePoolDefineXML"));
  TRY_ASSIGN(auto def, parsePoolDefinition(xml, flags & driver::define_pool::kValidate));
  // Every pool type can be defined, listed and dumped; only operations on its storage need
  // the type's backend.

  std::lock_guard configGuard(configMutex_);
  {
    Lock lock(mutex_);
    TRY(checkNameAndUuidLocked(def));
  }
  // The file first: a failed write changes nothing.
  TRY(store_.saveConfig(def));

  Lock lock(mutex_);
  auto pool = findByUuidLocked(def.uuid);
  if (!pool) {
    pool = std::make_shared<PoolObject>();
    pool->def = def;
    pool->persistent = true;
    pools_.push_back(pool);
  } else if (pool->active || pool->exclusiveJob) {
    // Running (or being started): the new definition applies at the next start.
    pool->newDef = std::make_unique<model::PoolDef>(def);
    pool->persistent = true;
  } else {
    pool->def = def;
    pool->newDef.reset();
    pool->persistent = true;
  }
  return handleOf(*pool);
}

Result<PoolHandle> PoolManager::createPool(std::string_view xml, unsigned flags) {
  TRY_ASSIGN(const StartBuild start, startBuildOf(flags, "virStoragePoolCreateXML"));
  TRY_ASSIGN(auto def, parsePoolDefinition(xml, false));
  TRY_ASSIGN(auto backend, backendFor(def.type));

  Lock lock(mutex_);
  PoolObjectPtr pool;
  for (;;) {
    auto byUuid = findByUuidLocked(def.uuid);
    if (byUuid && byUuid->exclusiveJob) {
      PoolJob::waitForExclusive(lock, changed_, *byUuid);
      continue;
    }
    TRY(checkNameAndUuidLocked(def));
    if (byUuid) {
      if (byUuid->active) {
        return storageError(ErrorCode::OperationInvalid,
                            "pool is already active as " + quoted(byUuid->def.name));
      }
      // A defined pool started from new XML: its config comes back when it stops.
      byUuid->newDef = std::make_unique<model::PoolDef>(byUuid->def);
      byUuid->def = def;
      pool = byUuid;
    } else {
      pool = std::make_shared<PoolObject>();
      pool->def = def;
      pools_.push_back(pool);
    }
    break;
  }
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  TRY(startWithJob(lock, job, *backend, start.build, start.buildFlags));
  return handleOf(*pool);
}

Result<void> PoolManager::undefinePool(const PoolHandle& handle) {
  std::lock_guard configGuard(configMutex_);
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  if (pool->active)
    return stillActive(*pool);
  if (pool->asyncJobs > 0)
    return asyncJobsRunning(*pool);
  if (!pool->persistent) {
    return storageError(ErrorCode::InternalError, "no config file for " + pool->def.name);
  }
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  std::string name = pool->def.name;
  lock.unlock();
  TRY(store_.deleteConfig(name));
  // A stale link must not bring the pool back; failing to remove it is not fatal (libvirt
  // logs it).
  (void)store_.removeAutostart(name);
  lock.lock();
  removePoolLocked(pool);
  return ok();
}

Result<void> PoolManager::buildPool(const PoolHandle& handle, unsigned flags) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (pool->active)
    return alreadyActive(*pool);
  if (!backend->features().buildPool)
    return ok();  // nothing to build for this type
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  return backend->buildPool(runtime, flags);
}

Result<void> PoolManager::startPool(const PoolHandle& handle, unsigned flags) {
  TRY_ASSIGN(const StartBuild start, startBuildOf(flags, "virStoragePoolCreate"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (pool->active)
    return alreadyActive(*pool);
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  return startWithJob(lock, job, *backend, start.build, start.buildFlags);
}

Result<void> PoolManager::destroyPool(const PoolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, idlePoolForJob(lock, handle, true));
  auto& [pool, backend] = ref;
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  // Stopped first: a pool that failed to stop stays active with its state file.
  auto stopped = backend->stopPool(runtime);
  lock.lock();
  noteHealthLocked(*pool, stopped);
  if (!stopped)
    return stopped;
  lock.unlock();
  store_.removeState(runtime.def.name);
  lock.lock();
  markInactiveLocked(pool);
  return ok();
}

Result<void> PoolManager::deletePool(const PoolHandle& handle, unsigned flags) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, idlePoolForJob(lock, handle, false));
  auto& [pool, backend] = ref;
  if (!backend->features().deletePool) {
    return storageError(ErrorCode::NoSupport, "pool does not support pool deletion");
  }
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  store_.removeState(runtime.def.name);
  return backend->deletePool(runtime, flags);
}

Result<void> PoolManager::refreshPool(const PoolHandle& handle, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStoragePoolRefresh"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, idlePoolForJob(lock, handle, true));
  auto& [pool, backend] = ref;
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  auto refreshed = backend->refreshPool(runtime);
  if (!refreshed) {
    // As libvirt: a pool that cannot be refreshed is stopped.
    store_.removeState(runtime.def.name);
    (void)backend->stopPool(runtime);
  }
  lock.lock();
  noteHealthLocked(*pool, refreshed);
  if (refreshed) {
    adoptRuntime(*pool, std::move(runtime));
    return ok();
  }
  markInactiveLocked(pool);
  return refreshed;
}

// ---- autostart ----------------------------------------------------------------------

Result<void> PoolManager::setPoolAutostart(const PoolHandle& handle, bool autostart) {
  std::lock_guard configGuard(configMutex_);
  std::string name;
  {
    Lock lock(mutex_);
    TRY_ASSIGN(auto pool, poolOfHandle(handle));
    if (!pool->persistent) {
      return storageError(ErrorCode::InternalError, "pool has no config file");
    }
    if (pool->autostart == autostart)
      return ok();
    name = pool->def.name;
  }
  TRY(store_.setAutostart(name, autostart));
  Lock lock(mutex_);
  // Undefine also takes configMutex_, so the pool is still there.
  if (auto pool = findByNameLocked(name))
    pool->autostart = autostart;
  return ok();
}

}  // namespace virtus::storage
