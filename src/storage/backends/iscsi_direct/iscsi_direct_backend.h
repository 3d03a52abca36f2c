// The `iscsi-direct` pool backend: the pool is one iSCSI target reached with libiscsi (no
// kernel initiator), its volumes are the target's disk LUNs, as libvirt's
// storage_backend_iscsi_direct.c. Names, keys and paths are libvirt's (iscsi_direct_names.h).
//
// Sessions: one logged-in libiscsi session per active pool (keyed by the pool's UUID),
// opened by startPool (or lazily by the first call that needs it), reused by refresh,
// lookupVol and wipe, logged out by stopPool. A libiscsi context is not thread-safe, so
// each session has its own mutex: calls on one pool run one at a time, calls on different
// pools in parallel. A session whose connection failed or timed out is opened again by the
// next call; a call that found its connection dropped (transport error) reconnects and
// retries once. (libvirt logs in and out around every operation instead.)
//
// Deadlines: every libiscsi exchange (connect, login, each SCSI command, logout) is driven by
// our own poll loop and fails with VIR_ERR_OPERATION_TIMEOUT after `exchangeTimeout`.
//
// Every LUN REPORT LUNS gives is a volume, as in libvirt; those that are not disks (INQUIRY
// device type other than 0, e.g. the target's controller LUN 0) have capacity 0.
// Difference from libvirt 9.0, on purpose: a disk's capacity is (last LBA + 1) x block size
// (libvirt multiplies the last LBA, one block short).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "common/uuid.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

StorageBackendPtr makeIscsiDirectBackend(const BackendContext& ctx);

namespace iscsi_direct {

class IscsiConnection;
struct IscsiLogin;

inline constexpr std::chrono::milliseconds kDefaultExchangeTimeout{30000};

class IscsiDirectBackend final : public StorageBackend {
 public:
  explicit IscsiDirectBackend(const BackendContext& ctx,
                              std::chrono::milliseconds exchangeTimeout = kDefaultExchangeTimeout);
  ~IscsiDirectBackend() override;

  model::PoolType type() const override { return model::PoolType::IscsiDirect; }
  BackendFeatures features() const override;

  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<std::string> findPoolSources(std::string_view srcSpecXml, unsigned flags) override;
  Result<std::optional<model::VolDef>> lookupVol(PoolRuntime& pool, std::string_view name) override;
  Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress) override;

  // How many pools have a session now (tests).
  std::size_t sessionCount() const;

 private:
  struct Session;
  // The pool's session, made when missing; its mutex is not held.
  std::shared_ptr<Session> sessionFor(const model::PoolDef& def);
  // The login a pool's definition asks for (portal, initiator, target, CHAP from <auth>).
  Result<IscsiLogin> loginFor(const model::PoolDef& def) const;
  // Runs `op` on the pool's logged-in connection (session mutex held), opening it first when
  // needed; reconnects and runs `op` once more when the connection failed under it.
  using ConnectionOp = std::function<Result<void>(IscsiConnection& conn)>;
  Result<void> withConnection(const model::PoolDef& def, const ConnectionOp& op);
  Result<void> connect(Session& session, const model::PoolDef& def);

  BackendContext ctx_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;  // guards sessions_ (the map, not the sessions)
  std::map<Uuid, std::shared_ptr<Session>> sessions_;
};

}  // namespace iscsi_direct
}  // namespace virtus::storage
