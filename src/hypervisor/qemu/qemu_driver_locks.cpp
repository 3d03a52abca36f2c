// Disk locks of the QEMU driver: a start takes the guest's locks before QEMU opens a disk
// (prepare) and ties them to its pid before the CPUs run (acquire); hotplug takes and
// drops one disk's lock; a QEMU that ended drops all. A lost lock applies the guest's
// <on_lockfailure>.
#include <iostream>
#include <optional>

#include "hypervisor/qemu/qemu_domain_lock.h"
#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qemu_driver_support.h"

namespace virtus::qemu {

using driver::DomainHandle;

Result<std::unique_ptr<locking::LockSession>> QemuDomainDriver::prepareLocks(
    const model::DomainDef& runDef) {
  if (!config_.lockManager)
    return std::unique_ptr<locking::LockSession>();
  TRY_ASSIGN(auto session, config_.lockManager->openSession(domainLockOwner(runDef, 0, 0)));
  for (const auto& resource : domainLockResources(runDef))
    TRY(session->addResource(resource));
  TRY(session->prepare());
  return session;
}

Result<void> QemuDomainDriver::lockDisk(const model::DomainDef& def, pid_t pid,
                                        const model::DiskDef& disk) {
  if (!config_.lockManager)
    return ok();
  auto resource = diskLockResource(disk);
  if (!resource)
    return ok();
  if (!config_.lockManager->features().hotplug)
    return qemuError(ErrorCode::OperationUnsupported, "lock manager '" +
                                                          std::string(config_.lockManager->name()) +
                                                          "' does not support hotplug of disks");
  TRY_ASSIGN(auto session, config_.lockManager->openSession(domainLockOwner(def, 0, pid)));
  TRY(session->addResource(*resource));
  TRY(session->prepare());
  return session->acquire(pid, "");
}

namespace {

// Releases `resource` of the guest, or everything it holds when there is none (best
// effort: a failure is logged, naming `what`).
void releaseBestEffort(locking::LockManager& locks, const model::DomainDef& def, pid_t pid,
                       const std::optional<locking::LockResource>& resource,
                       const std::string& what) {
  auto session = locks.openSession(domainLockOwner(def, 0, pid));
  if (!session || (resource && !(*session)->addResource(*resource)))
    return;
  if (auto released = (*session)->release(); !released)
    std::cerr << "virtusd: cannot release " << what << " of domain '" << def.name
              << "': " << released.error().message << "\n";
}

}  // namespace

void QemuDomainDriver::unlockDisk(const model::DomainDef& def, pid_t pid,
                                  const model::DiskDef& disk) {
  if (!config_.lockManager)
    return;
  if (auto resource = diskLockResource(disk))
    releaseBestEffort(*config_.lockManager, def, pid, resource,
                      "the lock of disk '" + disk.src.path + "'");
}

void QemuDomainDriver::releaseLocks(const model::DomainDef& def, pid_t pid) {
  if (config_.lockManager)
    releaseBestEffort(*config_.lockManager, def, pid, std::nullopt, "the locks");
}

void QemuDomainDriver::handleLockFailure(const Uuid& uuid, const std::string& reason) {
  DomainHandle handle;
  std::string action;
  {
    std::lock_guard lock(mutex_);
    ObjectPtr obj = findByUuid(uuid);
    if (!obj || !obj->run)
      return;
    handle = handleOf(*obj);
    action = obj->def.onLockfailure;
  }
  std::cerr << "virtusd: domain '" << handle.name << "': " << reason << "; on_lockfailure "
            << (action.empty() ? "default (poweroff)" : action) << "\n";
  Result<void> done = ok();
  if (action == "ignore") {
    return;
  } else if (action == "pause") {
    done = suspendDomain(handle);
  } else if (action == "restart") {
    done = destroyDomain(handle, 0);
    if (done && waitForShutoff(handle, config_.destroyTimeout)) {
      auto started = startDomain(handle, 0);
      if (!started)
        done = std::move(started).error();
    }
  } else {  // poweroff, and the default: a guest must not go on writing without its lock
    done = destroyDomain(handle, 0);
  }
  if (!done)
    std::cerr << "virtusd: on_lockfailure of domain '" << handle.name
              << "' failed: " << done.error().message << "\n";
}

}  // namespace virtus::qemu
