// The `rbd` pool backend: a pool is a RADOS pool (optionally a namespace in it) of a Ceph
// cluster, its volumes are the RBD images there, reached through librados/librbd (libvirt's
// storage_backend_rbd.c, plus upload/download, lookupVol and deadlines).
//
// - One cluster connection per pool (by UUID), made by startPool or the first call, reused
//   by every call and dropped by stopPool. The backend serves all rbd pools from several
//   threads at once.
// - Every library call runs through a Watchdog: the caller gets VIR_ERR_OPERATION_TIMEOUT
//   naming the pool and the operation at the deadline, the connection is marked broken and
//   the next call makes a new one. The same deadline is set in librados
//   (client_mount_timeout, rados_mon_op_timeout, rados_osd_op_timeout).
// - Refresh opens images read-only (no watch, no write), in parallel on a few threads, so
//   that a read-only cephx user (profile rbd-read-only) can refresh; operations that need
//   write access fail for such a user with VIR_ERR_OPERATION_DENIED naming the operation,
//   the volume, the Ceph user and the pool.
// - Volumes: name = image name; key and path "POOL/IMAGE" ("POOL/NS/IMAGE" in a namespace);
//   type network; format raw. resizeVol receives the final capacity (the manager resolves
//   kDelta); buildVolFrom clones (protected snapshot + clone, no data copied).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "common/uuid.h"
#include "storage/backends/rbd/rbd_connection.h"
#include "storage/backends/rbd/rbd_errors.h"
#include "storage/backends/rbd/rbd_image.h"
#include "storage/backends/rbd/rbd_watchdog.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

StorageBackendPtr makeRbdBackend(const BackendContext& ctx);

namespace rbd {

inline constexpr std::chrono::milliseconds kDefaultTimeout{30000};
inline constexpr std::size_t kDefaultRefreshThreads = 8;

class RbdBackend final : public StorageBackend {
 public:
  explicit RbdBackend(const BackendContext& ctx,
                      std::chrono::milliseconds timeout = kDefaultTimeout,
                      std::size_t refreshThreads = kDefaultRefreshThreads);
  ~RbdBackend() override;

  model::PoolType type() const override { return model::PoolType::Rbd; }
  BackendFeatures features() const override;

  // Pool operations (rbd_backend.cpp, rbd_refresh.cpp)
  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<std::optional<model::VolDef>> lookupVol(PoolRuntime& pool, std::string_view name) override;
  Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol) override;

  // Volume operations (rbd_volumes.cpp)
  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> buildVolFrom(PoolRuntime& pool, model::VolDef& vol, const model::VolDef& source,
                            unsigned flags, const driver::ProgressFn& progress) override;
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                         unsigned flags) override;
  Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress) override;

  // Streams (rbd_streams.cpp)
  Result<void> uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress) override;
  Result<void> downloadVol(PoolRuntime& pool, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress) override;

  // For tests: does the backend hold a connection for this pool?
  bool hasConnection(const Uuid& pool) const;

  // Closes an image of the pool's connection on a worker, under the deadline.
  void closeImage(const model::PoolDef& def, std::shared_ptr<RbdImage> image);

 private:
  struct PoolState {
    std::mutex mutex;  // held while connecting (bounded by the deadline)
    RbdConnectionPtr conn;
  };

  std::shared_ptr<PoolState> stateOf(const Uuid& uuid);
  // The pool's live connection, made now when it has none or its last one broke.
  Result<RbdConnectionPtr> connection(const model::PoolDef& def);

  // Runs fn on the pool's connection under the watchdog. A timeout marks the connection
  // broken. fn must own what it uses (it may outlive this call; see rbd_watchdog.h).
  template <class T>
  Result<T> call(const model::PoolDef& def, const std::string& what,
                 std::function<Result<T>(RbdConnection&, Heartbeat&)> fn) {
    TRY_ASSIGN(RbdConnectionPtr conn, connection(def));
    auto result = watchdog_.run<T>(
        def.name, what, [conn, fn = std::move(fn)](Heartbeat& hb) { return fn(*conn, hb); });
    if (!result && result.error().code == ErrorCode::OperationTimeout)
      conn->markBroken();
    return result;
  }

  BackendContext ctx_;
  Watchdog watchdog_;
  std::size_t refreshThreads_;
  mutable std::mutex mutex_;  // guards pools_
  std::map<Uuid, std::shared_ptr<PoolState>> pools_;
};

// What the operations name in their errors.
RbdOp opFor(const model::PoolDef& def, const RbdConnection& conn, std::string action,
            const std::string& volume = "");

// A volume as refresh reports it (rbd_refresh.cpp): nullopt when the image does not exist.
// `capacityAllocation`: the pool's <refresh><volume allocation='capacity'/>.
Result<std::optional<model::VolDef>> readVolume(RbdConnection& conn, const std::string& poolName,
                                                const std::string& image, bool capacityAllocation);

}  // namespace rbd
}  // namespace virtus::storage
