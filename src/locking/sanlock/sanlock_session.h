// One guest operation's view of the sanlock driver (lock_manager.h's LockSession).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "locking/lock_manager.h"
#include "locking/sanlock/sanlock_client.h"
#include "locking/sanlock/sanlock_core.h"

namespace virtus::locking::sanlock {

class SanlockSession final : public LockSession {
 public:
  SanlockSession(std::shared_ptr<SanlockCore> core, LockOwner owner);

  Result<void> addResource(const LockResource& resource) override;
  Result<void> prepare() override;
  std::vector<std::string> commandPrefix() const override;
  Result<void> acquire(pid_t pid, const std::string& state) override;
  Result<std::string> release() override;
  Result<std::string> inquire() override;

 private:
  struct Entry {
    std::string resource;  // what messages and lock-list name: the disk path or ls:key
    Lease lease;
    bool automatic = false;  // an automatic disk lease (its file is ours to create)
  };

  Result<void> checkLeaseRequired() const;
  // Waits for the join and creates missing lease files, when automatic leases are used.
  Result<void> readyLeases();
  Error acquireError(pid_t pid, int rv) const;
  std::string resourceName(const Lease& lease) const;
  // The guest's pid: the owner's, else the table's.
  pid_t guestPid() const;

  std::shared_ptr<SanlockCore> core_;
  LockOwner owner_;
  std::vector<Entry> entries_;
  bool hasWritableDisks_ = false;
  bool added_ = false;  // any resource added, even one that needs no lease
};

}  // namespace virtus::locking::sanlock
