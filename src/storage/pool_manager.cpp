// PoolManager: construction, the table of pools, handles, lookups and lists. The state
// changes live in pool_manager_lifecycle.cpp (pools) and pool_manager_volumes.cpp (volumes).
#include "storage/pool_manager.h"

#include <algorithm>
#include <chrono>

#include "common/check_flags.h"
#include "os/clock.h"
#include "storage/pool_job.h"
#include "storage/pool_manager_internal.h"
#include "storage/storage_xml.h"

namespace virtus::storage {

using driver::PoolHandle;
using driver::VolHandle;

namespace pool_manager_detail {

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

Result<void> checkFlags(unsigned flags, unsigned allowed, const char* function) {
  return virtus::checkFlags(flags, allowed, function, ErrorDomain::Storage);
}

namespace {
Error poolIs(const PoolObject& pool, std::string_view state) {
  return storageError(ErrorCode::OperationInvalid,
                      "storage pool " + quoted(pool.def.name) + " is " + std::string(state));
}
}  // namespace

Error notActive(const PoolObject& pool) {
  return poolIs(pool, "not active");
}
Error stillActive(const PoolObject& pool) {
  return poolIs(pool, "still active");
}
Error alreadyActive(const PoolObject& pool) {
  return poolIs(pool, "already active");
}
Error asyncJobsRunning(const PoolObject& pool) {
  return storageError(ErrorCode::InternalError,
                      "pool " + quoted(pool.def.name) + " has asynchronous jobs running.");
}
Error noVolumeNamed(std::string_view name) {
  return storageError(ErrorCode::NoStorageVol, "no storage vol with matching name " + quoted(name));
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

void chargeAllocation(model::PoolDef& def, std::uint64_t bytes) {
  def.allocation += bytes;
  def.available = def.available > bytes ? def.available - bytes : 0;
}
void releaseAllocation(model::PoolDef& def, std::uint64_t bytes) {
  def.allocation = def.allocation > bytes ? def.allocation - bytes : 0;
  def.available += bytes;
}

PoolHandle handleOf(const PoolObject& pool) {
  return {pool.def.name, pool.def.uuid};
}
VolHandle volHandleOf(const PoolObject& pool, const VolumeObject& vol) {
  return {pool.def.name, vol.def.name, vol.def.key};
}

}  // namespace pool_manager_detail

namespace {

using namespace pool_manager_detail;

// The list_pools type bit of each pool type (libvirt numbers them in a different order
// than virStoragePoolType).
constexpr std::array<unsigned, model::kPoolTypeCount> kTypeListBits = {
    driver::list_pools::kDir,         driver::list_pools::kFs,       driver::list_pools::kNetfs,
    driver::list_pools::kLogical,     driver::list_pools::kDisk,     driver::list_pools::kIscsi,
    driver::list_pools::kIscsiDirect, driver::list_pools::kScsi,     driver::list_pools::kMpath,
    driver::list_pools::kRbd,         driver::list_pools::kSheepdog, driver::list_pools::kGluster,
    driver::list_pools::kZfs,         driver::list_pools::kVstorage,
};
constexpr unsigned kAllListFlags = (1u << 20) - 1;

// Keeps a pair of flags as a filter only when exactly one of them is set.
bool passes(unsigned flags, unsigned yesBit, unsigned noBit, bool value) {
  bool yes = flags & yesBit, no = flags & noBit;
  if (yes == no)
    return true;
  return yes ? value : !value;
}

// libvirt's virFileSanitizePath: collapses repeated slashes and drops a trailing one, but
// keeps a leading "//" of exactly two slashes, which POSIX leaves implementation-defined.
std::string sanitizePath(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  if (path.starts_with("//") && !path.starts_with("///")) {
    out = "//";
    i = 2;
  }
  for (; i < path.size(); ++i) {
    if (path[i] == '/' && !out.empty() && out.back() == '/')
      continue;
    out += path[i];
  }
  if (out.size() > 1 && out.back() == '/' && out != "//")
    out.pop_back();
  return out;
}

}  // namespace

PoolManager::PoolManager(const BackendRegistry& registry, const BackendContext& context,
                         os::RootPaths paths)
    : context_(context), paths_(std::move(paths)), store_(context.fs, paths_) {
  for (int i = 0; i < model::kPoolTypeCount; ++i) {
    auto type = static_cast<model::PoolType>(i);
    if (!registry.has(type))
      continue;
    if (auto backend = registry.create(type, context_))
      backends_[i] = std::move(*backend);
  }
}

PoolManager::~PoolManager() = default;

Result<StorageBackend*> PoolManager::backendFor(model::PoolType type) const {
  auto& backend = backends_[static_cast<std::size_t>(type)];
  if (!backend)
    return missingBackendError(type);
  return backend.get();
}

PoolObjectPtr PoolManager::findByNameLocked(std::string_view name) const {
  for (const auto& p : pools_) {
    if (p->def.name == name)
      return p;
  }
  return nullptr;
}

PoolObjectPtr PoolManager::findByUuidLocked(const Uuid& uuid) const {
  for (const auto& p : pools_) {
    if (p->def.uuid == uuid)
      return p;
  }
  return nullptr;
}

Result<PoolObjectPtr> PoolManager::poolOfHandle(const PoolHandle& handle) const {
  if (handle.uuid.isNull()) {
    // Handles built from a name alone (not from a lookup) are resolved by name.
    if (auto p = findByNameLocked(handle.name))
      return p;
    return noPoolNamed(handle.name);
  }
  if (auto p = findByUuidLocked(handle.uuid))
    return p;
  return storageError(ErrorCode::NoStoragePool, "no storage pool with matching uuid '" +
                                                    handle.uuid.str() + "' (" + handle.name + ")");
}

Result<PoolObjectPtr> PoolManager::idlePoolOfHandle(Lock& lock, const PoolHandle& handle) {
  for (;;) {
    TRY_ASSIGN(auto pool, poolOfHandle(handle));
    if (!pool->exclusiveJob)
      return pool;
    PoolJob::waitForExclusive(lock, changed_, *pool);
  }
}

Result<PoolManager::VolRef> PoolManager::volOfHandle(Lock& lock, const VolHandle& handle,
                                                     bool waitIdle) {
  for (;;) {
    auto pool = findByNameLocked(handle.pool);
    if (!pool)
      return noPoolNamed(handle.pool);
    if (waitIdle && pool->exclusiveJob) {
      PoolJob::waitForExclusive(lock, changed_, *pool);
      continue;
    }
    if (!pool->active)
      return notActive(*pool);
    auto vol = pool->findVolumeByName(handle.name);
    if (!vol)
      return noVolumeNamed(handle.name);
    TRY_ASSIGN(auto backend, backendFor(pool->def.type));
    return VolRef{pool, vol, backend};
  }
}

void PoolManager::removePoolLocked(const PoolObjectPtr& pool) {
  pool->removed = true;
  pools_.erase(std::remove(pools_.begin(), pools_.end(), pool), pools_.end());
}

PoolRuntime PoolManager::runtimeOf(const PoolObject& pool) {
  // Not the volumes: no backend call reads them (refresh produces them), and copying a pool
  // of 10,000 volumes for every single-volume call cost more than the call itself.
  PoolRuntime runtime;
  runtime.def = pool.def;
  runtime.refreshCache = pool.refreshCache;
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
  pool.refreshCache = std::move(runtime.refreshCache);
}

// ---- pool lookups ---------------------------------------------------------------------

Result<std::vector<PoolHandle>> PoolManager::listAllPools(unsigned flags) {
  TRY(checkFlags(flags, kAllListFlags, "virConnectListAllStoragePools"));
  using namespace driver::list_pools;
  unsigned typeBits =
      flags & ~(kInactive | kActive | kPersistent | kTransient | kAutostart | kNoAutostart);
  std::vector<PoolHandle> out;
  {
    Lock lock(mutex_);
    for (const auto& p : pools_) {
      if (!passes(flags, kActive, kInactive, p->active))
        continue;
      if (!passes(flags, kPersistent, kTransient, p->persistent))
        continue;
      if (!passes(flags, kAutostart, kNoAutostart, p->autostart))
        continue;
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
  if (auto p = findByNameLocked(name))
    return handleOf(*p);
  return noPoolNamed(name);
}

Result<PoolHandle> PoolManager::lookupPoolByUuid(const Uuid& uuid) {
  Lock lock(mutex_);
  if (auto p = findByUuidLocked(uuid))
    return handleOf(*p);
  return storageError(ErrorCode::NoStoragePool,
                      "no storage pool with matching uuid '" + uuid.str() + "'");
}

Result<PoolHandle> PoolManager::lookupPoolByVolume(const VolHandle& vol) {
  return lookupPoolByName(vol.pool);
}

Result<PoolHandle> PoolManager::lookupPoolByTargetPath(std::string_view path) {
  std::string clean = sanitizePath(path);
  {
    Lock lock(mutex_);
    for (const auto& p : pools_) {
      // Network pools have no target; an empty path must not match them.
      if (p->active && !p->def.target.path.empty() && p->def.target.path == clean)
        return handleOf(*p);
    }
  }
  if (clean == path) {
    return storageError(ErrorCode::NoStoragePool,
                        "no storage pool with matching target path " + quoted(path));
  }
  return storageError(ErrorCode::NoStoragePool, "no storage pool with matching target path " +
                                                    quoted(path) + " (" + clean + ")");
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

void PoolManager::noteHealthLocked(PoolObject& pool, const Error* error) const {
  if (!error) {
    pool.unhealthyReason.clear();
    pool.unhealthySince = 0;
    return;
  }
  if (error->code != ErrorCode::OperationTimeout)
    return;
  if (pool.unhealthyReason.empty()) {
    pool.unhealthySince = std::chrono::duration_cast<std::chrono::seconds>(
                              context_.clock.wallNow().time_since_epoch())
                              .count();
  }
  pool.unhealthyReason = error->message;
}

Result<driver::PoolStatus> PoolManager::poolStatus(const PoolHandle& handle) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  driver::PoolStatus status;
  status.health.healthy = pool->unhealthyReason.empty();
  status.health.reason = pool->unhealthyReason;
  status.health.since = pool->unhealthySince;
  status.unreadable.reserve(pool->unreadable.size());
  for (const auto& [path, error] : pool->unreadable)
    status.unreadable.push_back(driver::UnreadableVolume{path, error});
  return status;
}

// ---- volume lookups -------------------------------------------------------------------

Result<std::vector<VolHandle>> PoolManager::listAllVolumes(const PoolHandle& handle,
                                                           unsigned flags) {
  TRY(checkFlags(flags, 0, "virStoragePoolListAllVolumes"));
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  if (!pool->active)
    return notActive(*pool);
  std::vector<VolHandle> out;
  out.reserve(pool->volumes.size());
  for (const auto& v : pool->volumes)
    out.push_back(volHandleOf(*pool, *v));
  return out;
}

Result<VolHandle> PoolManager::lookupVolByName(const PoolHandle& handle, std::string_view name) {
  Lock lock(mutex_);
  TRY_ASSIGN(auto pool, poolOfHandle(handle));
  if (!pool->active)
    return notActive(*pool);
  if (auto vol = pool->findVolumeByName(name))
    return volHandleOf(*pool, *vol);
  TRY_ASSIGN(auto backend, backendFor(pool->def.type));
  if (!backend->features().lookupVol)
    return noVolumeNamed(name);
  // A volume made since the last refresh (by another host, or outside Virtus): the backend
  // reads that one volume, under an asynchronous job, instead of the whole pool.
  TRY_ASSIGN(pool, idlePoolOfHandle(lock, handle));
  if (!pool->active)
    return notActive(*pool);
  if (auto vol = pool->findVolumeByName(name))
    return volHandleOf(*pool, *vol);
  PoolJob job(lock, changed_, pool, PoolJob::Kind::Async);
  PoolRuntime runtime = runtimeOf(*pool);
  lock.unlock();
  auto found = backend->lookupVol(runtime, name);
  lock.lock();
  noteHealthLocked(*pool, found);
  if (!found)
    return found.error();
  if (!*found)
    return noVolumeNamed(name);
  // Another caller may have added it meanwhile; a job kept the pool active.
  if (auto vol = pool->findVolumeByName(name))
    return volHandleOf(*pool, *vol);
  auto vol = std::make_shared<VolumeObject>();
  vol->def = std::move(**found);
  pool->volumes.push_back(vol);
  return volHandleOf(*pool, *vol);
}

Result<VolHandle> PoolManager::lookupVolByKey(std::string_view key) {
  Lock lock(mutex_);
  for (const auto& p : pools_) {
    if (!p->active)
      continue;
    if (auto vol = p->findVolumeByKey(key))
      return volHandleOf(*p, *vol);
  }
  return storageError(ErrorCode::NoStorageVol,
                      "no storage vol with matching key " + std::string(key));
}

Result<VolHandle> PoolManager::lookupVolByPath(std::string_view path) {
  std::string clean = sanitizePath(path);
  Lock lock(mutex_);
  for (const auto& p : pools_) {
    if (!p->active)
      continue;
    if (auto vol = p->findVolumeByPath(clean))
      return volHandleOf(*p, *vol);
  }
  if (clean == path) {
    return storageError(ErrorCode::NoStorageVol,
                        "no storage vol with matching path " + quoted(path));
  }
  return storageError(ErrorCode::NoStorageVol,
                      "no storage vol with matching path " + quoted(path) + " (" + clean + ")");
}

}  // namespace virtus::storage
