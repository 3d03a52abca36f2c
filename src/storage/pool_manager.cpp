#include "storage/pool_manager.h"

#include <algorithm>
#include <cstdio>

#include "model/storage/pool_type_name.h"
#include "storage/pool_job.h"
#include "storage/storage_xml.h"

namespace virtus::storage {

namespace {

using driver::PoolHandle;
using driver::VolHandle;

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// libvirt's virCheckFlags.
Result<void> checkFlags(unsigned flags, unsigned allowed, const char* function) {
  if ((flags & ~allowed) == 0) return ok();
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%x", flags & ~allowed);
  return storageError(ErrorCode::InvalidArg, std::string("unsupported flags (") + hex +
                                                 ") in function " + function);
}

Error notActive(const PoolObject& pool) {
  return storageError(ErrorCode::OperationInvalid,
                      "storage pool " + quoted(pool.def.name) + " is not active");
}
Error stillActive(const PoolObject& pool) {
  return storageError(ErrorCode::OperationInvalid,
                      "storage pool " + quoted(pool.def.name) + " is still active");
}
Error alreadyActive(const PoolObject& pool) {
  return storageError(ErrorCode::OperationInvalid,
                      "storage pool " + quoted(pool.def.name) + " is already active");
}
Error asyncJobsRunning(const PoolObject& pool) {
  return storageError(ErrorCode::InternalError,
                      "pool " + quoted(pool.def.name) + " has asynchronous jobs running.");
}
Error noVolumeNamed(std::string_view name) {
  return storageError(ErrorCode::NoStorageVol,
                      "no storage vol with matching name " + quoted(name));
}
Error noPoolNamed(std::string_view name) {
  return storageError(ErrorCode::NoStoragePool,
                      "no storage pool with matching name " + quoted(name));
}
Error volumeInUse(const VolumeObject& vol) {
  return storageError(ErrorCode::OperationInvalid,
                      "volume " + quoted(vol.def.name) + " is still in use.");
}
Error volumeBuilding(const VolumeObject& vol) {
  return storageError(ErrorCode::OperationInvalid,
                      "volume " + quoted(vol.def.name) + " is still being allocated.");
}

// The list_pools type bit of each pool type (libvirt numbers them in a different order
// than virStoragePoolType).
constexpr std::array<unsigned, model::kPoolTypeCount> kTypeListBits = {
    driver::list_pools::kDir,     driver::list_pools::kFs,
    driver::list_pools::kNetfs,   driver::list_pools::kLogical,
    driver::list_pools::kDisk,    driver::list_pools::kIscsi,
    driver::list_pools::kIscsiDirect, driver::list_pools::kScsi,
    driver::list_pools::kMpath,   driver::list_pools::kRbd,
    driver::list_pools::kSheepdog, driver::list_pools::kGluster,
    driver::list_pools::kZfs,     driver::list_pools::kVstorage,
};
constexpr unsigned kAllListFlags = (1u << 20) - 1;

// Keeps a pair of flags as a filter only when exactly one of them is set.
bool passes(unsigned flags, unsigned yesBit, unsigned noBit, bool value) {
  bool yes = flags & yesBit, no = flags & noBit;
  if (yes == no) return true;
  return yes ? value : !value;
}

// libvirt's virFileSanitizePath: collapses repeated slashes, drops a trailing one.
std::string sanitizePath(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  // A leading "//" is kept by libvirt; it is rare enough to treat like "/".
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

void chargeAllocation(model::PoolDef& def, std::uint64_t bytes) {
  def.allocation += bytes;
  def.available = def.available > bytes ? def.available - bytes : 0;
}
void releaseAllocation(model::PoolDef& def, std::uint64_t bytes) {
  def.allocation = def.allocation > bytes ? def.allocation - bytes : 0;
  def.available += bytes;
}

PoolHandle handleOf(const PoolObject& pool) { return {pool.def.name, pool.def.uuid}; }
VolHandle volHandleOf(const PoolObject& pool, const VolumeObject& vol) {
  return {pool.def.name, vol.def.name, vol.def.key};
}

}  // namespace

PoolManager::PoolManager(const BackendRegistry& registry, const BackendContext& context,
                         os::RootPaths paths)
    : context_(context), paths_(std::move(paths)), store_(context.fs, paths_) {
  for (int i = 0; i < model::kPoolTypeCount; ++i) {
    auto type = static_cast<model::PoolType>(i);
    if (!registry.has(type)) continue;
    if (auto backend = registry.create(type, context_)) backends_[i] = std::move(*backend);
  }
}

PoolManager::~PoolManager() = default;

Result<StorageBackend*> PoolManager::backendFor(model::PoolType type) const {
  auto& backend = backends_[static_cast<std::size_t>(type)];
  if (!backend) return missingBackendError(type);
  return backend.get();
}

PoolObjectPtr PoolManager::findByNameLocked(std::string_view name) const {
  for (const auto& p : pools_) {
    if (p->def.name == name) return p;
  }
  return nullptr;
}

PoolObjectPtr PoolManager::findByUuidLocked(const Uuid& uuid) const {
  for (const auto& p : pools_) {
    if (p->def.uuid == uuid) return p;
  }
  return nullptr;
}

Result<PoolObjectPtr> PoolManager::poolOfHandle(const PoolHandle& handle) const {
  if (handle.uuid.isNull()) {
    // Handles built from a name alone (not from a lookup) are resolved by name.
    if (auto p = findByNameLocked(handle.name)) return p;
    return noPoolNamed(handle.name);
  }
  if (auto p = findByUuidLocked(handle.uuid)) return p;
  return storageError(ErrorCode::NoStoragePool, "no storage pool with matching uuid '" +
                                                    handle.uuid.str() + "' (" + handle.name +
                                                    ")");
}

Result<PoolObjectPtr> PoolManager::idlePoolOfHandle(Lock& lock, const PoolHandle& handle) {
  for (;;) {
    TRY_ASSIGN(auto pool, poolOfHandle(handle));
    if (!pool->exclusiveJob) return pool;
    PoolJob::waitForExclusive(lock, changed_, *pool);
  }
}

Result<PoolManager::VolRef> PoolManager::volOfHandle(Lock& lock, const VolHandle& handle,
                                                      bool waitIdle) {
  for (;;) {
    auto pool = findByNameLocked(handle.pool);
    if (!pool) return noPoolNamed(handle.pool);
    if (waitIdle && pool->exclusiveJob) {
      PoolJob::waitForExclusive(lock, changed_, *pool);
      continue;
    }
    if (!pool->active) return notActive(*pool);
    auto vol = pool->findVolumeByName(handle.name);
    if (!vol) return noVolumeNamed(handle.name);
    TRY_ASSIGN(auto backend, backendFor(pool->def.type));
    return VolRef{pool, vol, backend};
  }
}

void PoolManager::removePoolLocked(const PoolObjectPtr& pool) {
  pool->removed = true;
  pools_.erase(std::remove(pools_.begin(), pools_.end(), pool), pools_.end());
}

PoolRuntime PoolManager::runtimeOf(const PoolObject& pool) {
  PoolRuntime runtime;
  runtime.def = pool.def;
  runtime.volumes.reserve(pool.volumes.size());
  for (const auto& v : pool.volumes) runtime.volumes.push_back(v->def);
  return runtime;
}

void PoolManager::adoptRuntime(PoolObject& pool, PoolRuntime&& runtime) {
  pool.def = std::move(runtime.def);
  pool.volumes.clear();
  for (auto& v : runtime.volumes) {
    auto obj = std::make_shared<VolumeObject>();
    obj->def = std::move(v);
    pool.volumes.push_back(std::move(obj));
  }
  pool.unreadable = std::move(runtime.unreadable);
}

// ---- state on disk ------------------------------------------------------------------

std::vector<Error> PoolManager::loadState(bool autostart) {
  LoadedPools loaded = store_.loadAll();
  std::vector<Error> problems = std::move(loaded.problems);
  Lock lock(mutex_);

  // Pools that were active: their live definitions.
  std::vector<PoolObjectPtr> wereActive;
  for (auto& def : loaded.states) {
    if (findByNameLocked(def.name) || findByUuidLocked(def.uuid)) continue;
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
      problems.push_back(storageError(
          ErrorCode::OperationFailed,
          "pool '" + config.def.name + "' conflicts with the uuid " + config.def.uuid.str() +
              " of pool '" + (byUuid ? byUuid->def.name : config.def.name) + "'"));
      continue;
    }
    if (byName) {
      if (!(byName->def == config.def)) byName->newDef = std::move(config.def);
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
    if (!backend) {
      problems.push_back(backend.error());
    } else if (auto checked = (*backend)->checkPool(runtime); !checked) {
      problems.push_back(storageError(ErrorCode::InternalError,
                                      "Failed to initialize storage pool '" + name +
                                          "': " + checked.error().text()));
    } else if (*checked) {
      if (auto refreshed = (*backend)->refreshPool(runtime); refreshed) {
        active = true;
      } else {
        problems.push_back(storageError(ErrorCode::InternalError,
                                        "Failed to restart storage pool '" + name +
                                            "': " + refreshed.error().text()));
        (void)(*backend)->stopPool(runtime);
      }
    }
    if (!active) store_.removeState(name);
    lock.lock();
    if (active) {
      adoptRuntime(*pool, std::move(runtime));
    } else {
      pool->active = false;
      if (!pool->updateInactive()) removePoolLocked(pool);
    }
    job.end();
  }

  if (autostart) {
    std::vector<PoolObjectPtr> candidates;
    for (const auto& p : pools_) {
      if (p->autostart && !p->active) candidates.push_back(p);
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
  runtime.volumes.clear();
  lock.unlock();
  auto run = [&]() -> Result<void> {
    if (build && backend.features().buildPool) TRY(backend.buildPool(runtime, buildFlags));
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
  if (result) {
    adoptRuntime(*pool, std::move(runtime));
    pool->active = true;
  } else if (!pool->updateInactive()) {
    removePoolLocked(pool);
  }
  job.end();
  return result;
}

// ---- pool lookups ---------------------------------------------------------------------

Result<std::vector<PoolHandle>> PoolManager::listAllPools(unsigned flags) {
  TRY(checkFlags(flags, kAllListFlags, "virConnectListAllStoragePools"));
  using namespace driver::list_pools;
  unsigned typeBits = flags & ~(kInactive | kActive | kPersistent | kTransient | kAutostart |
                                kNoAutostart);
  std::vector<PoolHandle> out;
  {
    Lock lock(mutex_);
    for (const auto& p : pools_) {
      if (!passes(flags, kActive, kInactive, p->active)) continue;
      if (!passes(flags, kPersistent, kTransient, p->persistent)) continue;
      if (!passes(flags, kAutostart, kNoAutostart, p->autostart)) continue;
      if (typeBits && !(typeBits & kTypeListBits[static_cast<std::size_t>(p->def.type)])) {
        continue;
      }
      out.push_back(handleOf(*p));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const PoolHandle& a, const PoolHandle& b) { return a.name < b.name; });
  return out;
}

Result<PoolHandle> PoolManager::lookupPoolByName(std::string_view name) {
  Lock lock(mutex_);
  if (auto p = findByNameLocked(name)) return handleOf(*p);
  return noPoolNamed(name);
}

Result<PoolHandle> PoolManager::lookupPoolByUuid(const Uuid& uuid) {
  Lock lock(mutex_);
  if (auto p = findByUuidLocked(uuid)) return handleOf(*p);
  return storageError(ErrorCode::NoStoragePool,
                      "no storage pool with matching uuid '" + uuid.str() + "'");
}

Result<PoolHandle> PoolManager::lookupPoolByVolume(const VolHandle& vol) {
  return lookupPoolByName(vol.pool);
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
    auto byUuid = findByUuidLocked(def.uuid);
    if (byUuid && byUuid->def.name != def.name) {
      return storageError(ErrorCode::OperationFailed,
                          "pool " + quoted(byUuid->def.name) + " is already defined with uuid " +
                              byUuid->def.uuid.str());
    }
    if (!byUuid) {
      if (auto byName = findByNameLocked(def.name)) {
        return storageError(ErrorCode::OperationFailed,
                            "pool " + quoted(def.name) + " already exists with uuid " +
                                byName->def.uuid.str());
      }
    }
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
    pool->newDef = def;
    pool->persistent = true;
  } else {
    pool->def = def;
    pool->newDef.reset();
    pool->persistent = true;
  }
  return handleOf(*pool);
}

Result<PoolHandle> PoolManager::createPool(std::string_view xml, unsigned flags) {
  using namespace driver::create_pool;
  TRY(checkFlags(flags, kWithBuild | kWithBuildOverwrite | kWithBuildNoOverwrite,
                 "virStoragePoolCreateXML"));
  if ((flags & kWithBuildOverwrite) && (flags & kWithBuildNoOverwrite)) {
    return storageError(ErrorCode::InvalidArg,
                        "Flags 'VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE' and "
                        "'VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE' are mutually "
                        "exclusive");
  }
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
    if (byUuid) {
      if (byUuid->def.name != def.name) {
        return storageError(ErrorCode::OperationFailed,
                            "pool " + quoted(byUuid->def.name) +
                                " is already defined with uuid " + byUuid->def.uuid.str());
      }
      if (byUuid->active) {
        return storageError(ErrorCode::OperationInvalid,
                            "pool is already active as " + quoted(byUuid->def.name));
      }
      // A defined pool started from new XML: its config comes back when it stops.
      byUuid->newDef = byUuid->def;
      byUuid->def = def;
      pool = byUuid;
    } else {
      if (auto byName = findByNameLocked(def.name)) {
        return storageError(ErrorCode::OperationFailed,
                            "pool " + quoted(def.name) + " already exists with uuid " +
                                byName->def.uuid.str());
      }
      pool = std::make_shared<PoolObject>();
      pool->def = def;
      pools_.push_back(pool);
    }
    break;
  }
  unsigned buildFlags = 0;
  if (flags & kWithBuildOverwrite) {
    buildFlags = driver::build_pool::kOverwrite;
  } else if (flags & kWithBuildNoOverwrite) {
    buildFlags = driver::build_pool::kNoOverwrite;
  }
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  TRY(startWithJob(lock, job, *backend, buildFlags || (flags & kWithBuild), buildFlags));
  return handleOf(*pool);
}

Result<void> PoolManager::undefinePool(const PoolHandle& handle) {
  std::lock_guard configGuard(configMutex_);
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  if (pool->active) return stillActive(*pool);
  if (pool->asyncJobs > 0) return asyncJobsRunning(*pool);
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
  if (pool->active) return alreadyActive(*pool);
  if (!backend->features().buildPool) return ok();  // nothing to build for this type
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  return backend->buildPool(runtime, flags);
}

Result<void> PoolManager::startPool(const PoolHandle& handle, unsigned flags) {
  using namespace driver::create_pool;
  TRY(checkFlags(flags, kWithBuild | kWithBuildOverwrite | kWithBuildNoOverwrite,
                 "virStoragePoolCreate"));
  if ((flags & kWithBuildOverwrite) && (flags & kWithBuildNoOverwrite)) {
    return storageError(ErrorCode::InvalidArg,
                        "Flags 'VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE' and "
                        "'VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE' are mutually "
                        "exclusive");
  }
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (pool->active) return alreadyActive(*pool);
  unsigned buildFlags = 0;
  if (flags & kWithBuildOverwrite) {
    buildFlags = driver::build_pool::kOverwrite;
  } else if (flags & kWithBuildNoOverwrite) {
    buildFlags = driver::build_pool::kNoOverwrite;
  }
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  return startWithJob(lock, job, *backend, buildFlags || (flags & kWithBuild), buildFlags);
}

Result<void> PoolManager::destroyPool(const PoolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (!pool->active) return notActive(*pool);
  if (pool->asyncJobs > 0) return asyncJobsRunning(*pool);
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  // Stopped first: a pool that failed to stop stays active with its state file.
  TRY(backend->stopPool(runtime));
  store_.removeState(runtime.def.name);
  lock.lock();
  pool->volumes.clear();
  pool->unreadable.clear();
  pool->active = false;
  if (!pool->updateInactive()) removePoolLocked(pool);
  return ok();
}

Result<void> PoolManager::deletePool(const PoolHandle& handle, unsigned flags) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (pool->active) return stillActive(*pool);
  if (pool->asyncJobs > 0) return asyncJobsRunning(*pool);
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
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (!pool->active) return notActive(*pool);
  if (pool->asyncJobs > 0) return asyncJobsRunning(*pool);
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Exclusive);
  PoolRuntime runtime = runtimeOf(*pool);
  runtime.volumes.clear();
  runtime.unreadable.clear();
  lock.unlock();
  auto refreshed = backend->refreshPool(runtime);
  if (!refreshed) {
    // As libvirt: a pool that cannot be refreshed is stopped.
    store_.removeState(runtime.def.name);
    (void)backend->stopPool(runtime);
  }
  lock.lock();
  if (refreshed) {
    adoptRuntime(*pool, std::move(runtime));
    return ok();
  }
  pool->volumes.clear();
  pool->active = false;
  if (!pool->updateInactive()) removePoolLocked(pool);
  return refreshed;
}

// ---- pool queries --------------------------------------------------------------------

Result<driver::PoolInfo> PoolManager::poolInfo(const PoolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  driver::PoolInfo info;
  info.state = pool->active ? driver::PoolState::Running : driver::PoolState::Inactive;
  info.capacity = pool->def.capacity;
  info.allocation = pool->def.allocation;
  info.available = pool->def.available;
  return info;
}

Result<std::string> PoolManager::poolXml(const PoolHandle& handle, unsigned flags) {
  TRY(checkFlags(flags, driver::xml_flags::kInactive, "virStoragePoolGetXMLDesc"));
  model::PoolDef def;
  {
    Lock lock(mutex_);
    TRY_ASSIGN(auto pool, poolOfHandle(handle));
    def = (flags & driver::xml_flags::kInactive) ? pool->configDef() : pool->def;
  }
  return formatPoolDefinition(def);
}

Result<bool> PoolManager::poolAutostart(const PoolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  return pool->autostart;
}

Result<void> PoolManager::setPoolAutostart(const PoolHandle& handle, bool autostart) {
  std::lock_guard configGuard(configMutex_);
  std::string name;
  {
    Lock lock(mutex_);
    TRY_ASSIGN(auto pool, poolOfHandle(handle));
    if (!pool->persistent) {
      return storageError(ErrorCode::InternalError, "pool has no config file");
    }
    if (pool->autostart == autostart) return ok();
    name = pool->def.name;
  }
  TRY(store_.setAutostart(name, autostart));
  Lock lock(mutex_);
  // Undefine also takes configMutex_, so the pool is still there.
  if (auto pool = findByNameLocked(name)) pool->autostart = autostart;
  return ok();
}

Result<bool> PoolManager::poolIsActive(const PoolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  return pool->active;
}

Result<bool> PoolManager::poolIsPersistent(const PoolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  return pool->persistent;
}

// ---- volume lookups -------------------------------------------------------------------

Result<std::vector<VolHandle>> PoolManager::listAllVolumes(const PoolHandle& handle,
                                                           unsigned flags) {
  TRY(checkFlags(flags, 0, "virStoragePoolListAllVolumes"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  if (!pool->active) return notActive(*pool);
  std::vector<VolHandle> out;
  out.reserve(pool->volumes.size());
  for (const auto& v : pool->volumes) out.push_back(volHandleOf(*pool, *v));
  return out;
}

Result<VolHandle> PoolManager::lookupVolByName(const PoolHandle& handle, std::string_view name) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  if (!pool->active) return notActive(*pool);
  auto vol = pool->findVolumeByName(name);
  if (!vol) return noVolumeNamed(name);
  return volHandleOf(*pool, *vol);
}

Result<VolHandle> PoolManager::lookupVolByKey(std::string_view key) {
  Lock lock(mutex_);
  for (const auto& p : pools_) {
    if (!p->active) continue;
    if (auto vol = p->findVolumeByKey(key)) return volHandleOf(*p, *vol);
  }
  return storageError(ErrorCode::NoStorageVol,
                      "no storage vol with matching key " + std::string(key));
}

Result<VolHandle> PoolManager::lookupVolByPath(std::string_view path) {
  std::string clean = sanitizePath(path);
  Lock lock(mutex_);
  for (const auto& p : pools_) {
    if (!p->active) continue;
    if (auto vol = p->findVolumeByPath(clean)) return volHandleOf(*p, *vol);
  }
  if (clean == path) {
    return storageError(ErrorCode::NoStorageVol,
                        "no storage vol with matching path " + quoted(path));
  }
  return storageError(ErrorCode::NoStorageVol, "no storage vol with matching path " +
                                                   quoted(path) + " (" + clean + ")");
}

// ---- volume lifecycle -----------------------------------------------------------------

Result<VolHandle> PoolManager::createVol(const PoolHandle& handle, std::string_view xml,
                                         unsigned flags) {
  using namespace driver::create_vol;
  TRY(checkFlags(flags, kPreallocMetadata | kValidate, "virStorageVolCreateXML"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, idlePoolOfHandle(lock, handle));
  if (!pool->active) return notActive(*pool);
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  const BackendFeatures features = backend->features();
  TRY_ASSIGN(auto def, parseVolDefinition(pool->def, xml, VolCapacity::RequiredUnlessBacking,
                                          flags & kValidate));
  if (def.capacity == 0 && !features.buildVol) {
    return storageError(ErrorCode::NoSupport, "volume capacity required for this storage pool");
  }
  if (pool->findVolumeByName(def.name)) {
    return storageError(ErrorCode::StorageVolExist, quoted(def.name));
  }
  if (!features.createVol) {
    return storageError(ErrorCode::NoSupport, "storage pool does not support volume creation");
  }
  // The backend makes the canonical key; it only computes names here, storage comes later.
  def.key.clear();
  PoolRuntime runtime = runtimeOf(*pool);
  TRY(backend->createVol(runtime, def));
  auto vol = std::make_shared<VolumeObject>();
  vol->def = def;
  pool->volumes.push_back(vol);

  PoolJob job(lock, changed_, pool, PoolJob::Kind::Async, vol, PoolJob::VolumeMark::Building);
  lock.unlock();
  model::VolDef built = def;
  if (features.buildVol) {
    if (auto r = backend->buildVol(runtime, built, flags); !r) {
      // buildVol removed whatever it created.
      lock.lock();
      pool->removeVolume(vol);
      return std::move(r).error();
    }
  }
  if (features.refreshVol) {
    if (auto r = backend->refreshVol(runtime, built); !r) {
      if (features.deleteVol) (void)backend->deleteVol(runtime, built, 0);
      lock.lock();
      pool->removeVolume(vol);
      return std::move(r).error();
    }
  }
  lock.lock();
  vol->def = built;
  chargeAllocation(pool->def, built.allocation);
  return volHandleOf(*pool, *vol);
}

Result<VolHandle> PoolManager::createVolFrom(const PoolHandle& handle, std::string_view xml,
                                             const VolHandle& source, unsigned flags,
                                             const driver::ProgressFn& progress) {
  using namespace driver::create_vol;
  TRY(checkFlags(flags, kPreallocMetadata | kReflink | kValidate, "virStorageVolCreateXMLFrom"));
  Lock lock(mutex_);
  PoolObjectPtr pool, srcPool;
  for (;;) {
    TRY_ASSIGN(pool, poolOfHandle(handle));
    srcPool = pool;
    if (source.pool != handle.name) {
      srcPool = findByNameLocked(source.pool);
      if (!srcPool) return noPoolNamed(source.pool);
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
  if (!pool->active) return notActive(*pool);
  if (!srcPool->active) return notActive(*srcPool);
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  const BackendFeatures features = backend->features();
  auto srcVol = srcPool->findVolumeByName(source.name);
  if (!srcVol) return noVolumeNamed(source.name);
  TRY_ASSIGN(auto def, parseVolDefinition(pool->def, xml, VolCapacity::Optional,
                                          flags & kValidate));
  if (pool->findVolumeByName(def.name)) {
    return storageError(ErrorCode::InternalError,
                        "storage volume name " + quoted(def.name) + " already in use.");
  }
  // The clone is at least as large as its source; without <allocation> it is allocated
  // in full, as libvirt documents.
  if (def.capacity < srcVol->def.capacity) def.capacity = srcVol->def.capacity;
  if (!def.hasAllocation) def.allocation = def.capacity;
  if (!features.buildVolFrom) {
    return storageError(ErrorCode::NoSupport,
                        "storage pool does not support volume creation from an existing volume");
  }
  if (srcVol->building) return volumeBuilding(*srcVol);
  if (!features.createVol) {
    return storageError(ErrorCode::NoSupport, "storage pool does not support volume creation");
  }
  def.key.clear();
  PoolRuntime runtime = runtimeOf(*pool);
  PoolRuntime srcRuntime = srcPool == pool ? PoolRuntime{} : runtimeOf(*srcPool);
  model::VolDef srcDef = srcVol->def;
  TRY(backend->createVol(runtime, def));
  auto vol = std::make_shared<VolumeObject>();
  vol->def = def;
  pool->volumes.push_back(vol);

  PoolJob job(lock, changed_, pool, PoolJob::Kind::Async, vol, PoolJob::VolumeMark::Building);
  PoolJob srcJob(lock, changed_, srcPool, PoolJob::Kind::Async, srcVol,
                 PoolJob::VolumeMark::InUse);
  lock.unlock();
  model::VolDef built = def;
  auto run = [&]() -> Result<void> {
    if (features.refreshVol) {
      PoolRuntime& sr = srcPool == pool ? runtime : srcRuntime;
      auto srcBackend = backendFor(srcPool->def.type);
      if (srcBackend) TRY((*srcBackend)->refreshVol(sr, srcDef));
    }
    TRY(backend->buildVolFrom(runtime, built, srcDef, flags, progress));
    if (features.refreshVol) {
      if (auto r = backend->refreshVol(runtime, built); !r) {
        if (features.deleteVol) (void)backend->deleteVol(runtime, built, 0);
        return r;
      }
    }
    return ok();
  };
  auto result = run();
  lock.lock();
  if (!result) {
    pool->removeVolume(vol);
    return std::move(result).error();
  }
  vol->def = built;
  chargeAllocation(pool->def, built.allocation);
  return volHandleOf(*pool, *vol);
}

Result<void> PoolManager::deleteVol(const VolHandle& handle, unsigned flags) {
  using namespace driver::delete_vol;
  TRY(checkFlags(flags, kZeroed | kWithSnapshots, "virStorageVolDelete"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, true));
  if (ref.vol->inUse) return volumeInUse(*ref.vol);
  if (ref.vol->building) return volumeBuilding(*ref.vol);
  if (!ref.backend->features().deleteVol) {
    return storageError(ErrorCode::NoSupport, "storage pool does not support vol deletion");
  }
  PoolJob job(lock, changed_, ref.pool, PoolJob::Kind::Async, ref.vol,
              PoolJob::VolumeMark::InUse);
  PoolRuntime runtime = runtimeOf(*ref.pool);
  model::VolDef def = ref.vol->def;
  lock.unlock();
  TRY(ref.backend->deleteVol(runtime, def, flags));
  lock.lock();
  releaseAllocation(ref.pool->def, ref.vol->def.allocation);
  ref.pool->removeVolume(ref.vol);
  return ok();
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
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, true));
  if (ref.vol->inUse) return volumeInUse(*ref.vol);
  if (ref.vol->building) return volumeBuilding(*ref.vol);
  const BackendFeatures features = ref.backend->features();
  if (!features.wipeVol) {
    return storageError(ErrorCode::NoSupport, "storage pool doesn't support volume wiping");
  }
  PoolJob job(lock, changed_, ref.pool, PoolJob::Kind::Async, ref.vol,
              PoolJob::VolumeMark::InUse);
  PoolRuntime runtime = runtimeOf(*ref.pool);
  model::VolDef def = ref.vol->def;
  lock.unlock();
  TRY(ref.backend->wipeVol(runtime, def, algorithm, flags, progress));
  // Wiping changes what the volume holds (allocation, format): read it again.
  if (features.refreshVol) TRY(ref.backend->refreshVol(runtime, def));
  lock.lock();
  ref.vol->def = def;
  return ok();
}

Result<void> PoolManager::resizeVol(const VolHandle& handle, std::uint64_t capacity,
                                    unsigned flags) {
  using namespace driver::resize_vol;
  TRY(checkFlags(flags, kAllocate | kDelta | kShrink, "virStorageVolResize"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, true));
  if (ref.vol->inUse) return volumeInUse(*ref.vol);
  if (ref.vol->building) return volumeBuilding(*ref.vol);
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
    return storageError(ErrorCode::NoSupport,
                        "storage pool does not support changing of volume capacity");
  }
  PoolJob job(lock, changed_, ref.pool, PoolJob::Kind::Async, ref.vol,
              PoolJob::VolumeMark::InUse);
  PoolRuntime runtime = runtimeOf(*ref.pool);
  model::VolDef def = ref.vol->def;
  lock.unlock();
  TRY(ref.backend->resizeVol(runtime, def, absCapacity, flags));
  lock.lock();
  ref.vol->def.capacity = absCapacity;
  if (flags & kAllocate) {
    ref.vol->def.allocation = absCapacity;
    chargeAllocation(ref.pool->def, delta);
  }
  return ok();
}

Result<model::VolDef> PoolManager::refreshedVolume(Lock& lock, const VolRef& ref) {
  model::VolDef def = ref.vol->def;
  if (!ref.backend->features().refreshVol) return def;
  PoolRuntime runtime;
  runtime.def = ref.pool->def;
  lock.unlock();
  auto refreshed = ref.backend->refreshVol(runtime, def);
  lock.lock();
  TRY(refreshed);
  // Keep what was learned, unless the volume went away or is being rebuilt meanwhile.
  if (!ref.pool->removed && ref.pool->findVolumeByName(def.name) == ref.vol &&
      !ref.vol->building) {
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
  info.allocation = (flags & driver::vol_info::kGetPhysical) ? def.physical.value_or(0)
                                                              : def.allocation;
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

Result<void> PoolManager::uploadVol(const VolHandle& handle, std::uint64_t offset,
                                    std::uint64_t length, unsigned flags,
                                    driver::StreamSource& source,
                                    const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, driver::stream_flags::kSparseStream, "virStorageVolUpload"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, true));
  if (ref.vol->inUse) return volumeInUse(*ref.vol);
  if (ref.vol->building) return volumeBuilding(*ref.vol);
  const BackendFeatures features = ref.backend->features();
  if (!features.uploadVol) {
    return storageError(ErrorCode::NoSupport, "storage pool doesn't support volume upload");
  }
  PoolJob job(lock, changed_, ref.pool, PoolJob::Kind::Async, ref.vol,
              PoolJob::VolumeMark::InUse);
  PoolRuntime runtime = runtimeOf(*ref.pool);
  model::VolDef def = ref.vol->def;
  lock.unlock();
  TRY(ref.backend->uploadVol(runtime, def, offset, length, flags, source, progress));
  // libvirt refreshes the whole pool when the stream closes; the volume is what changed.
  if (features.refreshVol) TRY(ref.backend->refreshVol(runtime, def));
  lock.lock();
  ref.vol->def = def;
  return ok();
}

Result<void> PoolManager::downloadVol(const VolHandle& handle, std::uint64_t offset,
                                      std::uint64_t length, unsigned flags,
                                      driver::StreamSink& sink,
                                      const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, driver::stream_flags::kSparseStream, "virStorageVolDownload"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto ref, volOfHandle(lock, handle, true));
  if (ref.vol->building) return volumeBuilding(*ref.vol);
  if (!ref.backend->features().downloadVol) {
    return storageError(ErrorCode::NoSupport, "storage pool doesn't support volume download");
  }
  PoolJob job(lock, changed_, ref.pool, PoolJob::Kind::Async, ref.vol,
              PoolJob::VolumeMark::InUse);
  PoolRuntime runtime = runtimeOf(*ref.pool);
  model::VolDef def = ref.vol->def;
  lock.unlock();
  return ref.backend->downloadVol(runtime, def, offset, length, flags, sink, progress);
}

}  // namespace virtus::storage
