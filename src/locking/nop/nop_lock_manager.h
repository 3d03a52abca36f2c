// The nop lock driver (lock_manager = "nop", the default): locks nothing itself. QEMU's own
// image locking still keeps two guests on one host from opening one writable image.
#pragma once

#include "locking/lock_manager.h"

namespace virtus::locking {

class NopLockManager final : public LockManager {
 public:
  std::string_view name() const override { return "nop"; }
  // Nothing to refuse: hotplug and migration need no lock work.
  LockDriverFeatures features() const override { return {false, true, true}; }
  Result<std::unique_ptr<LockSession>> openSession(const LockOwner& owner) override;
  Result<LockReport> report() override;
};

}  // namespace virtus::locking
