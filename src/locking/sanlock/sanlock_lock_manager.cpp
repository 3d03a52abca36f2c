#include "locking/sanlock/sanlock_lock_manager.h"

#include "locking/lock_driver_registry.h"

#include "locking/sanlock/sanlock_core.h"
#include "locking/sanlock/sanlock_session.h"

namespace virtus::locking::sanlock {

SanlockLockManager::SanlockLockManager(SanlockConfig config, os::FileSystem& fs,
                                       std::string stateFile, std::string registerHelper,
                                       std::chrono::milliseconds joinTimeout)
    : core_(std::make_shared<SanlockCore>(std::move(config), fs, std::move(stateFile),
                                          std::move(registerHelper), joinTimeout)) {}

SanlockLockManager::~SanlockLockManager() {
  core_->stop();
}

Result<void> SanlockLockManager::initialize() {
  return core_->start();
}

Result<std::unique_ptr<LockSession>> SanlockLockManager::openSession(const LockOwner& owner) {
  return std::unique_ptr<LockSession>(std::make_unique<SanlockSession>(core_, owner));
}

Result<LockReport> SanlockLockManager::report() {
  return core_->report();
}

}  // namespace virtus::locking::sanlock

namespace virtus::locking {

void registerSanlockLockDriver(LockDriverRegistry& registry) {
  registry.add("sanlock",
               [](const LockDriverContext& context) -> Result<std::unique_ptr<LockManager>> {
                 TRY_ASSIGN(auto config,
                            sanlock::loadSanlockConfig(context.fs, context.configPath("sanlock"),
                                                       context.paths.libDir + "/sanlock"));
                 auto manager = std::make_unique<sanlock::SanlockLockManager>(
                     std::move(config), context.fs, context.paths.runDir + "/sanlock-leases.json",
                     context.binDir + "/virtus-sanlock-register", std::chrono::seconds(60));
                 TRY(manager->initialize());
                 return std::unique_ptr<LockManager>(std::move(manager));
               });
}

}  // namespace virtus::locking
