#include "locking/sanlock/sanlock_session.h"

#include <errno.h>

#include <algorithm>

#include "locking/sanlock/host_access.h"
#include "locking/sanlock/lease_name.h"

namespace virtus::locking::sanlock {

namespace {

Error tooLong(std::string_view what, const std::string& value, std::size_t limit) {
  return makeError(
      ErrorCode::InternalError, ErrorDomain::Locking,
      std::string(what) + " '" + value + "' exceeds " + std::to_string(limit) + " characters");
}

}  // namespace

SanlockSession::SanlockSession(std::shared_ptr<SanlockCore> core, LockOwner owner)
    : core_(std::move(core)), owner_(std::move(owner)) {}

Result<void> SanlockSession::addResource(const LockResource& resource) {
  added_ = true;
  if (entries_.size() >= static_cast<std::size_t>(kMaxResources)) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                     "Too many resources " + std::to_string(kMaxResources) + " for object");
  }
  if (resource.readOnly)
    return ok();  // libvirt: read-only resources need no lease
  const SanlockConfig& config = core_->config();
  Entry entry;
  entry.lease.shared = resource.shared;
  if (resource.type == LockResourceType::Disk) {
    if (!config.autoDiskLeases) {
      if (!resource.shared)
        hasWritableDisks_ = true;
      return ok();  // disks are covered by <lease> elements, if any
    }
    entry.resource = resource.name;
    entry.automatic = true;
    entry.lease.lockspace = std::string(kDiskLockspace);
    entry.lease.name = diskLeaseName(resource.name);
    entry.lease.path = config.diskLeaseDir + "/" + entry.lease.name;
  } else {
    entry.resource = resource.lockspace + ":" + resource.name;
    entry.lease.lockspace = resource.lockspace;
    entry.lease.name = resource.name;
    entry.lease.path = resource.path;
    entry.lease.offset = resource.offset;
    if (resource.name.size() > kMaxNameLength)
      return tooLong("Resource name", resource.name, kMaxNameLength);
    if (resource.lockspace.size() > kMaxNameLength)
      return tooLong("Resource lockspace", resource.lockspace, kMaxNameLength);
  }
  if (entry.lease.path.size() > kMaxPathLength)
    return tooLong("Lease path", entry.lease.path, kMaxPathLength);
  auto same = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.lease == entry.lease; });
  if (same == entries_.end())
    entries_.push_back(std::move(entry));
  return ok();
}

Result<void> SanlockSession::checkLeaseRequired() const {
  if (entries_.empty() && hasWritableDisks_ && core_->config().requireLeaseForDisks) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Locking,
                     "Read/write, exclusive access, disks were present, but no leases specified");
  }
  return ok();
}

Result<void> SanlockSession::readyLeases() {
  bool automatic =
      std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.automatic; });
  if (!automatic)
    return ok();
  TRY(core_->waitJoined());
  for (const Entry& e : entries_) {
    if (e.automatic)
      TRY(core_->ensureLease(e.lease));
  }
  return ok();
}

Result<void> SanlockSession::prepare() {
  TRY(checkLeaseRequired());
  TRY(readyLeases());
  for (const Entry& e : entries_)
    TRY(core_->checkFree(e.resource, e.lease));
  return ok();
}

std::vector<std::string> SanlockSession::commandPrefix() const {
  const std::string& helper = core_->registerHelper();
  const std::string uuid = owner_.uuid.str();
  const std::string& lost = core_->lostDir();
  // sanlock runs `helper --lost DIR UUID` instead of killing QEMU when the leases are lost;
  // arguments that do not fit sanlock's limits leave the killing to sanlock.
  const std::string killArgs = "--lost " + lost + " " + uuid;
  if (lost.empty() || lost.find(' ') != std::string::npos || helper.size() > kMaxKillPathLength ||
      killArgs.size() > kMaxKillArgsLength)
    return {helper};
  return {helper,      "--killpath", helper,      "--killarg", "--lost",
          "--killarg", lost,         "--killarg", uuid};
}

std::string SanlockSession::resourceName(const Lease& lease) const {
  for (const Entry& e : entries_) {
    if (e.lease.lockspace == lease.lockspace && e.lease.name == lease.name)
      return e.resource;
  }
  return lease.lockspace + ":" + lease.name;
}

Error SanlockSession::acquireError(pid_t pid, int rv) const {
  if (isBusyRv(rv)) {
    for (const Entry& e : entries_) {
      auto free = core_->checkFree(e.resource, e.lease);
      if (!free)
        return free.error();
    }
    std::string names;
    for (const Entry& e : entries_)
      names += (names.empty() ? "'" : ", '") + e.resource + "'";
    return makeError(ErrorCode::ResourceBusy, ErrorDomain::Locking,
                     "cannot lock " + (names.empty() ? std::string("the guest's leases") : names) +
                         " for guest '" + owner_.name + "': " + sanlockErrorText(rv));
  }
  if (rv == -ESRCH || rv == -ENOENT) {
    return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                     "Failed to acquire lock: process " + std::to_string(pid) + " of guest '" +
                         owner_.name +
                         "' is not registered with sanlock (it must run under "
                         "virtus-sanlock-register): " +
                         sanlockErrorText(rv));
  }
  return sanlockError("Failed to acquire lock", rv);
}

Result<void> SanlockSession::acquire(pid_t pid, const std::string& state) {
  TRY(checkLeaseRequired());
  if (pid <= 0) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                     "cannot acquire sanlock leases for guest '" + owner_.name + "' without a pid");
  }
  std::vector<HeldLease> held;
  std::int64_t now = wallSeconds();
  if (!state.empty()) {
    std::vector<Lease> leases;
    int rv = parseState(state, leases);
    if (rv < 0)
      return sanlockError("Unable to parse lock state " + state, rv);
    rv = acquireState(pid, state, owner_.name);
    if (rv < 0)
      return acquireError(pid, rv);
    for (const Lease& l : leases)
      held.push_back({resourceName(l), l, now});
  } else {
    if (entries_.empty())
      return ok();
    TRY(readyLeases());
    std::vector<Lease> leases;
    for (const Entry& e : entries_)
      leases.push_back(e.lease);
    int rv = sanlock::acquire(-1, pid, leases, owner_.name);
    if (rv < 0)
      return acquireError(pid, rv);
    for (const Entry& e : entries_)
      held.push_back({e.resource, e.lease, now});
  }
  core_->recordAcquired(owner_, pid, held);
  return ok();
}

pid_t SanlockSession::guestPid() const {
  if (owner_.pid > 0)
    return owner_.pid;
  return core_->pidOf(owner_.uuid).value_or(0);
}

Result<std::string> SanlockSession::release() {
  pid_t pid = guestPid();
  if (pid <= 0 || (added_ && entries_.empty()))
    return std::string();
  std::vector<Lease> leases;
  for (const Entry& e : entries_)
    leases.push_back(e.lease);
  if (!processExists(pid)) {
    core_->recordReleased(pid, {});  // sanlock dropped its leases when it died
    return std::string();
  }
  std::string state;
  int rv = sanlock::inquire(pid, state);
  if (rv == -ESRCH || rv == -ENOENT) {
    core_->recordReleased(pid, {});  // exited (a zombie) or never registered
    return std::string();
  }
  if (rv < 0)
    return sanlockError("Failed to inquire lock", rv);
  rv = sanlock::release(-1, pid, leases);
  if (rv == -ESRCH) {
    core_->recordReleased(pid, {});
    return std::string();
  }
  if (rv < 0)
    return sanlockError("Failed to release lock", rv);
  core_->recordReleased(pid, leases);
  return state;
}

Result<std::string> SanlockSession::inquire() {
  pid_t pid = guestPid();
  if (pid <= 0)
    return std::string();
  std::string state;
  int rv = sanlock::inquire(pid, state);
  if (rv == -ESRCH && !processExists(pid))
    return std::string();
  if (rv < 0)
    return sanlockError("Failed to inquire lock", rv);
  return state;
}

}  // namespace virtus::locking::sanlock
