// The sanlock lock driver (libvirt's lock_driver_sanlock.c, rewritten): disk paxos leases
// held by the sanlock daemon on shared storage, so that hosts sharing the storage never run
// two guests on one writable disk. With auto_disk_leases every read-write disk gets a lease
// in the __LIBVIRT__DISKS__ lockspace of disk_lease_dir, named as libvirt names it (Virtus
// and libvirt hosts respect each other's leases); explicit <lease> elements are used as
// given.
//
// sanlock holds leases for registered processes: QEMU runs under virtus-sanlock-register
// (commandPrefix()), which registers itself and execs QEMU with the same pid; acquire()
// then asks sanlock to take the leases for that pid. When QEMU dies, sanlock drops them.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "locking/lock_manager.h"
#include "locking/sanlock/sanlock_config.h"
#include "os/file_system.h"

namespace virtus::locking::sanlock {

class SanlockCore;

class SanlockLockManager final : public LockManager {
 public:
  // `stateFile`: where the held leases are remembered (DIR/run/sanlock-leases.json).
  // `registerHelper`: the path of virtus-sanlock-register. `joinTimeout`: how long a
  // guest's prepare/acquire waits for the lockspace join. Nothing happens on the host
  // until initialize().
  SanlockLockManager(SanlockConfig config, os::FileSystem& fs, std::string stateFile,
                     std::string registerHelper, std::chrono::milliseconds joinTimeout);
  // Stops the join thread; leaves the lockspace and the leases to sanlock.
  ~SanlockLockManager() override;

  // Called once by the daemon: resolves user/group, reads the state file and, with
  // automatic disk leases, starts joining the lockspace in the background. Never blocks
  // on sanlock. Errors: a bad user/group, an unreadable state file.
  Result<void> initialize();

  // Where the kill path reports guests whose leases sanlock revoked (DIR/run/sanlock-lost);
  // "": none, sanlock then kills them itself. Before initialize().
  void setLostDir(std::string dir);

  // Watches the lost directory: each guest reported there goes to `handler` (virtusd applies
  // its <on_lockfailure>); a guest still running afterwards (paused, ignored) gives up its
  // leases, which sanlock would otherwise end by killing it.
  void start(LockFailureHandler handler) override;
  void stop() override;

  std::string_view name() const override { return "sanlock"; }
  LockDriverFeatures features() const override { return {true, true, true}; }
  Result<std::unique_ptr<LockSession>> openSession(const LockOwner& owner) override;
  Result<LockReport> report() override;

 private:
  void watchLost(const LockFailureHandler& handler);

  std::shared_ptr<SanlockCore> core_;
  os::FileSystem& fs_;
  std::atomic<bool> stopping_{false};
  std::thread watcher_;
};

}  // namespace virtus::locking::sanlock

namespace virtus::locking {

class LockDriverRegistry;

// "sanlock": qemu-sanlock.conf (disk_lease_dir defaults to DIR/lib/sanlock), the held
// leases remembered in DIR/run/sanlock-leases.json, QEMU run under virtus-sanlock-register
// from Virtus's executables' directory, guests waiting up to a minute for the join.
void registerSanlockLockDriver(LockDriverRegistry& registry);

}  // namespace virtus::locking
