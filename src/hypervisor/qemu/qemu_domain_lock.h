// What of a domain its lock manager locks: each disk on local storage (a file or block
// device; network disks are their cluster's business, empty drives have nothing) with its
// shareable and readonly flags, and each <lease>. Volume disks must be resolved first.
#pragma once

#include <optional>
#include <vector>

#include "locking/lock_manager.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

std::optional<locking::LockResource> diskLockResource(const model::DiskDef& disk);
std::vector<locking::LockResource> domainLockResources(const model::DomainDef& def);

// The guest as the lock manager knows it (pid 0 before QEMU runs).
locking::LockOwner domainLockOwner(const model::DomainDef& def, int id, pid_t pid);

}  // namespace virtus::qemu
