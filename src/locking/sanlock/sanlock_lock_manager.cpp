#include "locking/sanlock/sanlock_lock_manager.h"

#include "locking/lock_driver_registry.h"

#include "locking/sanlock/host_access.h"
#include "locking/sanlock/lease_name.h"
#include "locking/sanlock/sanlock_client.h"
#include "locking/sanlock/sanlock_core.h"
#include "locking/sanlock/sanlock_session.h"

namespace virtus::locking::sanlock {

SanlockLockManager::SanlockLockManager(SanlockConfig config, os::FileSystem& fs,
                                       std::string stateFile, std::string registerHelper,
                                       std::chrono::milliseconds joinTimeout)
    : core_(std::make_shared<SanlockCore>(std::move(config), fs, std::move(stateFile),
                                          std::move(registerHelper), joinTimeout)),
      fs_(fs) {}

SanlockLockManager::~SanlockLockManager() {
  stop();
  core_->stop();
}

void SanlockLockManager::setLostDir(std::string dir) {
  core_->setLostDir(std::move(dir));
}

void SanlockLockManager::start(LockFailureHandler handler) {
  if (watcher_.joinable() || !handler || core_->lostDir().empty())
    return;
  stopping_ = false;
  watcher_ = std::thread([this, handler = std::move(handler)] { watchLost(handler); });
}

void SanlockLockManager::stop() {
  stopping_ = true;
  if (watcher_.joinable())
    watcher_.join();
}

void SanlockLockManager::watchLost(const LockFailureHandler& handler) {
  using namespace std::chrono_literals;
  const std::string& dir = core_->lostDir();
  while (!stopping_) {
    std::this_thread::sleep_for(250ms);
    auto names = fs_.listDirectory(dir);
    if (!names)
      continue;
    for (const std::string& name : *names) {
      (void)fs_.removeFile(dir + "/" + name);
      auto uuid = Uuid::parse(name);
      if (!uuid)
        continue;
      const std::optional<pid_t> pid = core_->pidOf(*uuid);
      handler(*uuid, "its sanlock leases were revoked (the lockspace '" +
                         std::string(kDiskLockspace) + "' failed on this host)");
      // Paused or ignored, the guest must not keep leases sanlock no longer renews: it
      // would kill the guest for them.
      if (pid && processExists(*pid)) {
        (void)release(-1, *pid, {});
        core_->recordReleased(*pid, {});
      }
    }
  }
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
                 manager->setLostDir(context.paths.runDir + "/sanlock-lost");
                 TRY(manager->initialize());
                 return std::unique_ptr<LockManager>(std::move(manager));
               });
}

}  // namespace virtus::locking
