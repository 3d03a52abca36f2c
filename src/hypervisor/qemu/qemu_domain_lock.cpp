#include "hypervisor/qemu/qemu_domain_lock.h"

namespace virtus::qemu {

std::optional<locking::LockResource> diskLockResource(const model::DiskDef& disk) {
  const std::string& type = disk.src.type;
  if ((type != "file" && type != "block") || disk.src.path.empty())
    return std::nullopt;
  locking::LockResource resource;
  resource.type = locking::LockResourceType::Disk;
  resource.name = disk.src.path;
  resource.shared = disk.shareable;
  resource.readOnly = disk.readonly;
  return resource;
}

std::vector<locking::LockResource> domainLockResources(const model::DomainDef& def) {
  std::vector<locking::LockResource> resources;
  for (const auto& disk : def.disks)
    if (auto resource = diskLockResource(disk))
      resources.push_back(std::move(*resource));
  for (const auto& lease : def.leases) {
    locking::LockResource resource;
    resource.type = locking::LockResourceType::Lease;
    resource.name = lease.key;
    resource.lockspace = lease.lockspace;
    resource.path = lease.path;
    resource.offset = lease.offset;
    resources.push_back(std::move(resource));
  }
  return resources;
}

locking::LockOwner domainLockOwner(const model::DomainDef& def, int id, pid_t pid) {
  locking::LockOwner owner;
  owner.uuid = def.uuid.value_or(Uuid());
  owner.name = def.name;
  owner.id = id;
  owner.pid = pid;
  owner.onLockFailure = locking::lockFailureActionFromString(def.onLockfailure)
                            .value_or(locking::LockFailureAction::Default);
  return owner;
}

}  // namespace virtus::qemu
