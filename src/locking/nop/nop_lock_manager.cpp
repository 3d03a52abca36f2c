#include "locking/nop/nop_lock_manager.h"

#include "locking/lock_driver_registry.h"

namespace virtus::locking {

namespace {

class NopSession final : public LockSession {
 public:
  Result<void> addResource(const LockResource&) override { return ok(); }
  Result<void> prepare() override { return ok(); }
  Result<void> acquire(pid_t, const std::string&) override { return ok(); }
  Result<std::string> release() override { return std::string(); }
  Result<std::string> inquire() override { return std::string(); }
};

}  // namespace

Result<std::unique_ptr<LockSession>> NopLockManager::openSession(const LockOwner&) {
  return std::unique_ptr<LockSession>(std::make_unique<NopSession>());
}

Result<LockReport> NopLockManager::report() {
  LockReport report;
  report.driver = "nop";
  return report;
}

void registerNopLockDriver(LockDriverRegistry& registry) {
  registry.add("nop", [](const LockDriverContext&) -> Result<std::unique_ptr<LockManager>> {
    return std::unique_ptr<LockManager>(std::make_unique<NopLockManager>());
  });
}

}  // namespace virtus::locking
