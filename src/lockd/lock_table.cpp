#include "lockd/lock_table.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "lockd/lock_file.h"
#include "lockd/lockd_protocol.h"

namespace virtus::lockd {

namespace {

LockFileMode modeOf(const LockRecord& record) {
  return LockFileMode{record.shared, !record.lockspace.empty(), record.autocreate};
}

bool sameResource(const LockRecord& record, const LockdResourceSpec& spec) {
  return record.lockspace == spec.lockspace && record.name == spec.name;
}

std::string displayOf(const LockdResourceSpec& spec) {
  return spec.display.empty() ? spec.name : spec.display;
}

std::string holderText(const std::string& domain, pid_t pid, const std::string& host) {
  std::string text = " by domain '" + domain + "'";
  if (pid > 0)
    text += " (pid " + std::to_string(pid) + ")";
  text += " on host '" + host + "'";
  return text;
}

}  // namespace

LockTable::~LockTable() {
  for (auto& [uuid, owner] : owners_) {
    for (auto& lock : owner.locks) {
      if (lock.record.fd >= 0)
        ::close(lock.record.fd);
    }
    if (owner.pidfd >= 0)
      ::close(owner.pidfd);
  }
}

std::int64_t LockTable::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.wallNow().time_since_epoch())
      .count();
}

bool LockTable::alive(int pidfd) {
  if (pidfd < 0)
    return false;
  pollfd pfd = {pidfd, POLLIN, 0};
  return ::poll(&pfd, 1, 0) == 0;
}

Error LockTable::busyError(const LockdResourceSpec& spec, dev_t dev, ino_t ino,
                           const std::string& holder) const {
  std::string message = "Lockspace resource '" + displayOf(spec) + "' is locked";
  for (const auto& [uuid, owner] : owners_) {
    for (const auto& lock : owner.locks) {
      if (lock.dev == dev && lock.ino == ino) {
        message += holderText(owner.name, owner.pid, host_);
        return makeError(ErrorCode::ResourceBusy, ErrorDomain::Locking, message);
      }
    }
  }
  if (auto record = parseHolderRecord(holder))
    message += holderText(record->domain, record->pid, record->host);
  return makeError(ErrorCode::ResourceBusy, ErrorDomain::Locking, message);
}

Result<LockTable::Lock> LockTable::lockOne(const Owner& owner, const LockdResourceSpec& spec,
                                           std::uint64_t connection) const {
  Lock lock;
  lock.record.lockspace = spec.lockspace;
  lock.record.name = spec.name;
  lock.record.display = displayOf(spec);
  lock.record.file = spec.lockspace.empty() ? spec.name : spec.lockspace + "/" + spec.name;
  lock.record.shared = spec.shared;
  lock.record.autocreate = !spec.lockspace.empty() && spec.autocreate;
  lock.record.since = now();
  lock.pendingConnection = owner.pid == 0 ? connection : 0;
  if (!spec.lockspace.empty())
    TRY(makeLockspaceDir(spec.lockspace));
  TRY_ASSIGN(LockAttempt attempt, lockFile(lock.record.file, modeOf(lock.record)));
  if (attempt.busy)
    return busyError(spec, attempt.dev, attempt.ino, attempt.holder);
  lock.record.fd = attempt.fd;
  lock.dev = attempt.dev;
  lock.ino = attempt.ino;
  return lock;
}

void LockTable::writeHolderRecord(const Owner& owner, const Lock& lock) const {
  if (lock.record.lockspace.empty() || lock.record.shared)
    return;
  writeHolder(lock.record.fd,
              formatHolderRecord({host_, owner.name, owner.uuid, owner.pid, lock.record.since}));
}

void LockTable::unlock(Lock& lock) {
  unlockFile(lock.record.fd, lock.record.file, lock.dev, lock.ino, modeOf(lock.record));
  lock.record.fd = -1;
}

void LockTable::dropOwner(std::map<std::string, Owner>::iterator it) {
  for (auto& lock : it->second.locks)
    unlock(lock);
  if (it->second.pidfd >= 0)
    ::close(it->second.pidfd);
  owners_.erase(it);
}

Result<void> LockTable::acquire(const LockdOwnerSpec& spec,
                                const std::vector<LockdResourceSpec>& resources,
                                std::uint64_t connection) {
  auto existing = owners_.find(spec.uuid);
  // The same guest again with another process: the old one must be gone (its pidfd may not
  // have been seen yet), else two processes would claim one guest's locks.
  if (existing != owners_.end() && spec.pid > 0 && existing->second.pid > 0 &&
      existing->second.pid != spec.pid) {
    if (alive(existing->second.pidfd))
      return makeError(ErrorCode::OperationInvalid, ErrorDomain::Locking,
                       "domain '" + existing->second.name + "' already holds locks for pid " +
                           std::to_string(existing->second.pid));
    dropOwner(existing);
    existing = owners_.end();
  }

  Owner candidate;
  const Owner* owner = nullptr;
  if (existing != owners_.end()) {
    owner = &existing->second;
  } else {
    candidate.uuid = spec.uuid;
    candidate.name = spec.name;
    candidate.id = spec.id;
    candidate.since = now();
    owner = &candidate;
  }

  // A pid to watch, opened before anything is locked so that a dead process holds nothing.
  int pidfd = -1;
  if (spec.pid > 0 && owner->pid == 0) {
    pidfd = openPidFd(spec.pid);
    if (pidfd < 0) {
      int err = errno;
      if (err == ESRCH)
        return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                         "process " + std::to_string(spec.pid) + " of domain '" + spec.name +
                             "' does not exist");
      return systemError(ErrorDomain::Locking, err,
                         "Unable to watch process " + std::to_string(spec.pid));
    }
  }
  Owner effective = Owner{};
  effective.uuid = owner->uuid;
  effective.name = owner->name;
  effective.pid = spec.pid > 0 ? spec.pid : owner->pid;

  std::vector<Lock> taken;
  auto rollback = [&] {
    for (auto& lock : taken)
      unlock(lock);
    if (pidfd >= 0)
      ::close(pidfd);
  };
  for (const auto& resource : resources) {
    bool held = std::any_of(owner->locks.begin(), owner->locks.end(),
                            [&](const Lock& l) { return sameResource(l.record, resource); }) ||
                std::any_of(taken.begin(), taken.end(),
                            [&](const Lock& l) { return sameResource(l.record, resource); });
    if (held)
      continue;
    auto lock = lockOne(effective, resource, connection);
    if (!lock) {
      rollback();
      return std::move(lock).error();
    }
    taken.push_back(std::move(*lock));
  }

  if (existing == owners_.end())
    existing = owners_.emplace(spec.uuid, std::move(candidate)).first;
  Owner& target = existing->second;
  if (target.pid == 0 && pidfd < 0)
    target.connection = connection;
  if (pidfd >= 0) {
    target.pid = spec.pid;
    target.pidfd = pidfd;
    for (auto& lock : target.locks)
      lock.pendingConnection = 0;
  }
  for (auto& lock : taken) {
    writeHolderRecord(target, lock);
    target.locks.push_back(std::move(lock));
  }
  if (pidfd >= 0) {
    for (const auto& lock : target.locks)
      writeHolderRecord(target, lock);
  }
  return ok();
}

Result<void> LockTable::setPid(const std::string& uuid, pid_t pid) {
  auto it = owners_.find(uuid);
  if (it == owners_.end())
    return makeError(ErrorCode::OperationInvalid, ErrorDomain::Locking,
                     "no lock owner with uuid '" + uuid + "'");
  Owner& owner = it->second;
  if (owner.pid == pid)
    return ok();
  if (owner.pid > 0 && alive(owner.pidfd))
    return makeError(
        ErrorCode::OperationInvalid, ErrorDomain::Locking,
        "domain '" + owner.name + "' already holds locks for pid " + std::to_string(owner.pid));
  int pidfd = openPidFd(pid);
  if (pidfd < 0) {
    int err = errno;
    if (err == ESRCH)
      return makeError(
          ErrorCode::OperationFailed, ErrorDomain::Locking,
          "process " + std::to_string(pid) + " of domain '" + owner.name + "' does not exist");
    return systemError(ErrorDomain::Locking, err, "Unable to watch process " + std::to_string(pid));
  }
  if (owner.pidfd >= 0)
    ::close(owner.pidfd);
  owner.pidfd = pidfd;
  owner.pid = pid;
  for (auto& lock : owner.locks) {
    lock.pendingConnection = 0;
    writeHolderRecord(owner, lock);
  }
  return ok();
}

void LockTable::release(const std::string& uuid, const std::vector<LockdResourceSpec>& resources) {
  auto it = owners_.find(uuid);
  if (it == owners_.end())
    return;
  if (resources.empty()) {
    dropOwner(it);
    return;
  }
  auto& locks = it->second.locks;
  for (const auto& resource : resources) {
    for (auto lock = locks.begin(); lock != locks.end();) {
      if (sameResource(lock->record, resource)) {
        unlock(*lock);
        lock = locks.erase(lock);
      } else {
        ++lock;
      }
    }
  }
}

void LockTable::connectionClosed(std::uint64_t connection) {
  for (auto it = owners_.begin(); it != owners_.end();) {
    Owner& owner = it->second;
    if (owner.pid != 0) {
      ++it;
      continue;
    }
    bool released = false;
    for (auto lock = owner.locks.begin(); lock != owner.locks.end();) {
      if (lock->pendingConnection == connection) {
        unlock(*lock);
        lock = owner.locks.erase(lock);
        released = true;
      } else {
        ++lock;
      }
    }
    auto next = std::next(it);
    if (owner.locks.empty() && (released || owner.connection == connection))
      dropOwner(it);
    it = next;
  }
}

void LockTable::releasePending() {
  for (auto it = owners_.begin(); it != owners_.end();) {
    auto next = std::next(it);
    if (it->second.pid == 0)
      dropOwner(it);
    it = next;
  }
}

std::vector<LockdHeld> LockTable::list() const {
  std::vector<LockdHeld> out;
  for (const auto& [uuid, owner] : owners_) {
    for (const auto& lock : owner.locks) {
      LockdHeld held;
      held.lockspace = lock.record.lockspace;
      held.name = lock.record.name;
      held.display = lock.record.display;
      held.file = lock.record.file;
      held.shared = lock.record.shared;
      held.domain = owner.name;
      held.uuid = owner.uuid;
      held.pid = owner.pid;
      held.host = host_;
      held.since = lock.record.since;
      out.push_back(std::move(held));
    }
  }
  return out;
}

std::vector<LockdEvent> LockTable::checkLost() {
  std::vector<LockdEvent> events;
  for (auto& [uuid, owner] : owners_) {
    for (auto lock = owner.locks.begin(); lock != owner.locks.end();) {
      bool replaced = false;
      if (lock->record.lockspace.empty() ||
          sameFile(lock->record.file, lock->dev, lock->ino, &replaced)) {
        ++lock;
        continue;
      }
      events.push_back(LockdEvent{
          owner.uuid, owner.name, lock->record.display,
          "lock file '" + lock->record.file + "' was " + (replaced ? "replaced" : "removed")});
      // Not unlockFile: the path is no longer ours to remove or truncate.
      ::close(lock->record.fd);
      lock = owner.locks.erase(lock);
    }
  }
  return events;
}

std::vector<std::pair<int, std::string>> LockTable::pidFds() const {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& [uuid, owner] : owners_) {
    if (owner.pidfd >= 0)
      out.emplace_back(owner.pidfd, uuid);
  }
  return out;
}

std::vector<OwnerRecord> LockTable::snapshot() const {
  std::vector<OwnerRecord> out;
  for (const auto& [uuid, owner] : owners_) {
    if (owner.pid == 0)
      continue;
    OwnerRecord record{owner.uuid, owner.name, owner.id, owner.pid, owner.since, {}};
    for (const auto& lock : owner.locks)
      record.locks.push_back(lock.record);
    out.push_back(std::move(record));
  }
  return out;
}

void LockTable::adopt(std::vector<OwnerRecord> records) {
  for (auto& record : records) {
    Owner owner;
    owner.uuid = record.uuid;
    owner.name = record.name;
    owner.id = record.id;
    owner.pid = record.pid;
    owner.since = record.since;
    for (auto& lockRecord : record.locks) {
      struct stat st = {};
      if (lockRecord.fd < 0 || ::fstat(lockRecord.fd, &st) < 0)
        continue;
      ::fcntl(lockRecord.fd, F_SETFD, FD_CLOEXEC);
      Lock lock;
      lock.record = std::move(lockRecord);
      lock.dev = st.st_dev;
      lock.ino = st.st_ino;
      owner.locks.push_back(std::move(lock));
    }
    owner.pidfd = owner.pid > 0 ? openPidFd(owner.pid) : -1;
    auto it = owners_.insert_or_assign(owner.uuid, std::move(owner)).first;
    if (it->second.pidfd < 0)
      dropOwner(it);
  }
}

}  // namespace virtus::lockd
