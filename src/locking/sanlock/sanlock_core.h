// The sanlock driver's shared state, behind the manager and its sessions: the settings, the
// lockspace joiner, and the table of held leases (held_leases.h) with its state file.
// Thread-safe; sessions keep it alive with a shared_ptr.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "locking/lock_manager.h"
#include "locking/sanlock/held_leases.h"
#include "locking/sanlock/lease_files.h"
#include "locking/sanlock/lockspace_joiner.h"
#include "locking/sanlock/sanlock_config.h"
#include "os/file_system.h"

namespace virtus::locking::sanlock {

class SanlockCore {
 public:
  SanlockCore(SanlockConfig config, os::FileSystem& fs, std::string stateFile,
              std::string registerHelper, std::chrono::milliseconds joinTimeout);

  Result<void> start();
  void stop();

  const SanlockConfig& config() const { return config_; }
  const std::string& registerHelper() const { return registerHelper_; }
  // Where the kill path leaves the UUIDs of guests whose leases sanlock revoked; "": none
  // (sanlock then kills such a guest itself). Set before the first session.
  void setLostDir(std::string dir) { lostDir_ = std::move(dir); }
  const std::string& lostDir() const { return lostDir_; }

  // With automatic disk leases: waits (bounded) for the lockspace join.
  Result<void> waitJoined();
  // Creates an automatic lease's file when missing.
  Result<void> ensureLease(const Lease& lease);

  // VIR_ERR_RESOURCE_BUSY naming `resource` and its holder when a live host holds `lease`
  // in a way that excludes taking it (exclusively, or at all when we want it exclusively).
  // Failures to read the lease or the hosts are not errors here: acquire will tell.
  Result<void> checkFree(const std::string& resource, const Lease& lease);

  void recordAcquired(const LockOwner& owner, pid_t pid, const std::vector<HeldLease>& leases);
  // `leases` empty: everything of `pid`.
  void recordReleased(pid_t pid, const std::vector<Lease>& leases);
  // The pid holding leases for the guest `uuid`, per the table.
  std::optional<pid_t> pidOf(const Uuid& uuid);

  LockReport report();

 private:
  // Drops processes that are gone; saves when something changed. Under mutex_.
  void pruneLocked();
  void saveLocked();
  std::string holderLocked(const Lease& lease, std::uint64_t hostId);

  const SanlockConfig config_;
  os::FileSystem& fs_;
  const std::string stateFile_;
  const std::string registerHelper_;
  std::string lostDir_;
  const std::chrono::milliseconds joinTimeout_;
  FileOwner owner_;
  std::unique_ptr<LockspaceJoiner> joiner_;

  std::mutex mutex_;
  std::vector<HeldProcess> held_;
};

}  // namespace virtus::locking::sanlock
