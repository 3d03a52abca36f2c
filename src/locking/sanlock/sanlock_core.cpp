#include "locking/sanlock/sanlock_core.h"

#include <algorithm>

#include "locking/sanlock/host_access.h"
#include "locking/sanlock/lease_name.h"
#include "locking/sanlock/sanlock_client.h"

namespace virtus::locking::sanlock {

SanlockCore::SanlockCore(SanlockConfig config, os::FileSystem& fs, std::string stateFile,
                         std::string registerHelper, std::chrono::milliseconds joinTimeout)
    : config_(std::move(config)),
      fs_(fs),
      stateFile_(std::move(stateFile)),
      registerHelper_(std::move(registerHelper)),
      joinTimeout_(joinTimeout) {}

Result<void> SanlockCore::start() {
  if (config_.user) {
    TRY_ASSIGN(owner_.uid, resolveUser(*config_.user));
  }
  if (config_.group) {
    TRY_ASSIGN(owner_.gid, resolveGroup(*config_.group));
  }
  if (fs_.exists(stateFile_)) {
    TRY_ASSIGN(std::string text, fs_.readFile(stateFile_));
    TRY_ASSIGN(auto held, parseHeldLeases(text, stateFile_));
    std::lock_guard lock(mutex_);
    held_ = std::move(held);
    pruneLocked();
  }
  if (!lostDir_.empty()) {
    // The kill path runs as sanlock's user: with a group configured, it may write here.
    TRY(fs_.makeDirectories(lostDir_, 0700));
    if (owner_.uid || owner_.gid) {
      TRY(fs_.chown(lostDir_, owner_.uid, owner_.gid));
      if (owner_.gid)
        TRY(fs_.chmod(lostDir_, 0770));
    }
  }
  if (config_.autoDiskLeases && !joiner_) {
    joiner_ = std::make_unique<LockspaceJoiner>(fs_, config_.diskLeaseDir, config_.hostId,
                                                config_.ioTimeout, owner_);
    joiner_->start();
  }
  return ok();
}

void SanlockCore::stop() {
  if (joiner_)
    joiner_->stop();
}

Result<void> SanlockCore::waitJoined() {
  if (!config_.autoDiskLeases)
    return ok();
  if (!joiner_) {
    return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                     "the sanlock lockspace '" + std::string(kDiskLockspace) +
                         "' has not been joined: the sanlock lock manager was not started");
  }
  return joiner_->waitJoined(joinTimeout_);
}

Result<void> SanlockCore::ensureLease(const Lease& lease) {
  return ensureLeaseFile(fs_, lease, owner_);
}

Result<void> SanlockCore::checkFree(const std::string& resource, const Lease& lease) {
  std::vector<SanlockHost> owners;
  bool sharedOwners = false;
  if (readResourceOwners(lease, owners, sharedOwners) < 0 || owners.empty())
    return ok();
  // Right after a join sanlock cannot tell the hosts' states yet (-EAGAIN): every owner
  // then counts as alive, as sanlock's own test of owners does with unknown hosts.
  std::vector<SanlockHost> hosts;
  bool knowHosts = getHosts(lease.lockspace, hosts) >= 0;
  for (const SanlockHost& o : owners) {
    if (!sharedOwners && o.timestamp == 0)
      continue;  // a released exclusive lease keeps its last owner on disk
    if (knowHosts) {
      auto host = std::find_if(hosts.begin(), hosts.end(),
                               [&](const SanlockHost& h) { return h.hostId == o.hostId; });
      if (host == hosts.end() || host->generation != o.generation)
        continue;  // that host is not running, or restarted since
      std::uint32_t state = host->flags & kHostStateMask;
      if (state == kHostFree || state == kHostDead)
        continue;
    }
    if (lease.shared && sharedOwners)
      continue;  // shared with shared
    std::string holder;
    {
      std::lock_guard lock(mutex_);
      holder = holderLocked(lease, o.hostId);
    }
    return makeError(ErrorCode::ResourceBusy, ErrorDomain::Locking,
                     "the disk '" + resource + "' is locked by " + holder +
                         (sharedOwners ? " (shared)" : "") + ": sanlock lease '" + lease.lockspace +
                         ":" + lease.name + "' in '" + lease.path + "'");
  }
  return ok();
}

std::string SanlockCore::holderLocked(const Lease& lease, std::uint64_t hostId) {
  std::string host = "host id " + std::to_string(hostId);
  if (hostId != config_.hostId)
    return host;
  for (const HeldProcess& p : held_) {
    for (const HeldLease& h : p.leases) {
      if (h.lease.lockspace == lease.lockspace && h.lease.name == lease.name &&
          processExists(p.pid))
        return "guest '" + p.name + "' (pid " + std::to_string(p.pid) + ") on " + host;
    }
  }
  return host;
}

void SanlockCore::recordAcquired(const LockOwner& owner, pid_t pid,
                                 const std::vector<HeldLease>& leases) {
  std::lock_guard lock(mutex_);
  auto it =
      std::find_if(held_.begin(), held_.end(), [&](const HeldProcess& p) { return p.pid == pid; });
  if (it == held_.end()) {
    held_.push_back({pid, owner.name, owner.uuid, {}});
    it = std::prev(held_.end());
  }
  for (const HeldLease& l : leases) {
    auto same = std::find_if(it->leases.begin(), it->leases.end(),
                             [&](const HeldLease& h) { return h.lease == l.lease; });
    if (same == it->leases.end())
      it->leases.push_back(l);
  }
  saveLocked();
}

void SanlockCore::recordReleased(pid_t pid, const std::vector<Lease>& leases) {
  std::lock_guard lock(mutex_);
  auto it =
      std::find_if(held_.begin(), held_.end(), [&](const HeldProcess& p) { return p.pid == pid; });
  if (it == held_.end())
    return;
  if (!leases.empty()) {
    std::erase_if(it->leases, [&](const HeldLease& h) {
      return std::any_of(leases.begin(), leases.end(), [&](const Lease& l) {
        return l.lockspace == h.lease.lockspace && l.name == h.lease.name;
      });
    });
  }
  if (leases.empty() || it->leases.empty())
    held_.erase(it);
  saveLocked();
}

std::optional<pid_t> SanlockCore::pidOf(const Uuid& uuid) {
  std::lock_guard lock(mutex_);
  for (const HeldProcess& p : held_) {
    if (p.uuid == uuid && processExists(p.pid))
      return p.pid;
  }
  return std::nullopt;
}

LockReport SanlockCore::report() {
  LockReport report;
  report.driver = "sanlock";
  {
    std::lock_guard lock(mutex_);
    pruneLocked();
    for (const HeldProcess& p : held_) {
      for (const HeldLease& h : p.leases) {
        HeldLock l;
        l.resource = h.resource;
        l.lockspace = h.lease.lockspace;
        l.file = h.lease.path;
        l.shared = h.lease.shared;
        l.domain = p.name;
        l.uuid = p.uuid;
        l.pid = p.pid;
        l.host = "host id " + std::to_string(config_.hostId);
        l.since = h.since;
        report.locks.push_back(std::move(l));
      }
    }
  }
  if (joiner_)
    report.lockspaces.push_back(joiner_->status());
  return report;
}

void SanlockCore::pruneLocked() {
  auto before = held_.size();
  std::erase_if(held_, [](const HeldProcess& p) { return !processExists(p.pid); });
  if (held_.size() != before)
    saveLocked();
}

void SanlockCore::saveLocked() {
  // Best effort: the table only names holders; sanlock holds the truth.
  (void)fs_.writeFileAtomic(stateFile_, formatHeldLeases(held_), 0600);
}

}  // namespace virtus::locking::sanlock
