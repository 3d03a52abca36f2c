// The lockd lock driver (lock_manager = "lockd"): the client side of virtus-lockd, which
// holds the guests' locks (fcntl locks on the disks or on lock files) so that they survive
// virtusd's restarts. virtus-lockd is started on first need and outlives virtusd.
//
// A guest's locks are taken before its QEMU is spawned, pending on the session's
// connection, and tied to the QEMU's pid once it runs: virtus-lockd releases them when that
// process ends, or when the connection closes first (a failed start, virtusd dying).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "lockd/lockd_client.h"
#include "locking/lock_manager.h"
#include "locking/lockd/lockd_config.h"
#include "locking/lockd/lockd_resources.h"

namespace virtus::locking {

struct LockdDriverOptions {
  LockdConfig config;
  lockd::LockdLaunch launch;
  std::chrono::milliseconds timeout{10000};  // connecting (and starting virtus-lockd)
  BlockDeviceKeys keys;
};

class LockdLockManager final : public LockManager {
 public:
  explicit LockdLockManager(LockdDriverOptions options);
  ~LockdLockManager() override;

  std::string_view name() const override { return "lockd"; }
  LockDriverFeatures features() const override { return {true, true, true}; }
  Result<std::unique_ptr<LockSession>> openSession(const LockOwner& owner) override;
  Result<LockReport> report() override;
  // Watches virtus-lockd for lost locks (a lock file removed) and reports them to `handler`.
  void start(LockFailureHandler handler) override;
  void stop() override;

  const LockdDriverOptions& options() const { return options_; }
  // A connection, starting virtus-lockd when needed.
  Result<lockd::LockdClient> connect() const;
  // A connection to a running virtus-lockd; nullopt when none answers.
  std::optional<std::unique_ptr<lockd::LockdClient>> connectRunning() const;

 private:
  void watchLostLocks(LockFailureHandler handler);

  LockdDriverOptions options_;
  std::atomic<bool> stopping_{false};
  std::thread watcher_;
};

}  // namespace virtus::locking
