#include "storage/backends/rbd/rbd_backend.h"

#include "common/base64.h"
#include "storage/pool_secret.h"

namespace virtus::storage {

StorageBackendPtr makeRbdBackend(const BackendContext& ctx) {
  return std::make_unique<rbd::RbdBackend>(ctx, ctx.networkTimeout);
}

namespace rbd {

RbdBackend::RbdBackend(const BackendContext& ctx, std::chrono::milliseconds timeout,
                       std::size_t refreshThreads)
    : ctx_(ctx), watchdog_(timeout), refreshThreads_(refreshThreads ? refreshThreads : 1) {}

RbdBackend::~RbdBackend() = default;

BackendFeatures RbdBackend::features() const {
  BackendFeatures f;
  f.startPool = true;
  f.stopPool = true;
  f.createVol = true;
  f.buildVol = true;
  f.buildVolFrom = true;
  f.refreshVol = true;
  f.deleteVol = true;
  f.resizeVol = true;
  f.uploadVol = true;
  f.downloadVol = true;
  f.wipeVol = true;
  f.lookupVol = true;
  return f;
}

RbdOp opFor(const model::PoolDef& def, const RbdConnection& conn, std::string action,
            const std::string& volume) {
  return RbdOp{std::move(action), volume, def.name,
               volume.empty() ? conn.spec().pool : imagePath(conn.spec(), volume), conn.user()};
}

std::shared_ptr<RbdBackend::PoolState> RbdBackend::stateOf(const Uuid& uuid) {
  std::lock_guard lock(mutex_);
  auto& slot = pools_[uuid];
  if (!slot)
    slot = std::make_shared<PoolState>();
  return slot;
}

bool RbdBackend::hasConnection(const Uuid& pool) const {
  std::lock_guard lock(mutex_);
  auto it = pools_.find(pool);
  return it != pools_.end() && it->second->conn && !it->second->conn->broken();
}

Result<RbdConnectionPtr> RbdBackend::connection(const model::PoolDef& def) {
  auto state = stateOf(def.uuid);
  std::lock_guard lock(state->mutex);
  if (state->conn && !state->conn->broken())
    return state->conn;
  state->conn.reset();
  TRY_ASSIGN(RbdPoolSpec spec, parsePoolSpec(def));
  std::optional<std::string> key;
  if (def.source.auth) {
    TRY_ASSIGN(std::string raw, poolAuthSecret(ctx_, def, driver::SecretUsageType::Ceph));
    key = encodeBase64(raw);
  }
  TRY_ASSIGN(RadosConfig config, radosConfig(def, key, watchdog_.timeout()));
  std::string name = def.name;
  TRY_ASSIGN(RbdConnectionPtr conn,
             watchdog_.run<RbdConnectionPtr>(name, "connect",
                                             [config = std::move(config), spec, name](Heartbeat&) {
                                               return RbdConnection::open(config, spec, name);
                                             }));
  state->conn = conn;
  return conn;
}

Result<bool> RbdBackend::checkPool(const PoolRuntime& pool) {
  TRY(connection(pool.def));
  return true;
}

Result<void> RbdBackend::startPool(PoolRuntime& pool) {
  TRY(connection(pool.def));
  return ok();
}

Result<void> RbdBackend::stopPool(PoolRuntime& pool) {
  std::shared_ptr<PoolState> state;
  {
    std::lock_guard lock(mutex_);
    auto it = pools_.find(pool.def.uuid);
    if (it == pools_.end())
      return ok();
    state = it->second;
    pools_.erase(it);
  }
  RbdConnectionPtr conn;
  {
    std::lock_guard lock(state->mutex);
    conn = std::move(state->conn);
  }
  if (!conn)
    return ok();
  // rados_shutdown talks to the cluster: close on a worker, and do not wait past the
  // deadline for a cluster that does not answer (the pool is stopped either way).
  (void)watchdog_.run<bool>(pool.def.name, "disconnect",
                            [conn = std::move(conn)](Heartbeat&) mutable -> Result<bool> {
                              conn.reset();
                              return true;
                            });
  return ok();
}

}  // namespace rbd
}  // namespace virtus::storage
