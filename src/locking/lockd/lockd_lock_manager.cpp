#include "locking/lockd/lockd_lock_manager.h"

#include <optional>
#include <vector>

#include "common/error.h"
#include "locking/lock_driver_registry.h"

namespace virtus::locking {

namespace {

class LockdSession final : public LockSession {
 public:
  LockdSession(const LockdLockManager& manager, LockOwner owner)
      : manager_(manager), owner_(std::move(owner)) {}

  Result<void> addResource(const LockResource& resource) override {
    ++added_;
    const LockdConfig& config = manager_.options().config;
    TRY_ASSIGN(auto spec, lockdResourceFor(config, resource, manager_.options().keys));
    if (spec)
      specs_.push_back(std::move(*spec));
    else if (resource.type == LockResourceType::Disk && !resource.readOnly && !resource.shared)
      hasWritableDisks_ = true;
    return ok();
  }

  Result<void> prepare() override {
    if (specs_.empty() && hasWritableDisks_ && manager_.options().config.requireLeaseForDisks)
      return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Locking,
                       "Read/write, exclusive access, disks were present, but no leases specified");
    if (specs_.empty())
      return ok();
    TRY_ASSIGN(auto client, manager_.connect());
    TRY(client.acquire(ownerSpec(0), specs_));
    pending_.emplace(std::move(client));
    return ok();
  }

  Result<void> acquire(pid_t pid, const std::string&) override {
    if (specs_.empty())
      return ok();
    if (pending_) {
      auto attached = pending_->setPid(owner_.uuid.str(), pid);
      pending_.reset();  // closing it releases the locks if setpid failed
      return attached;
    }
    TRY_ASSIGN(auto client, manager_.connect());
    return client.acquire(ownerSpec(pid), specs_);
  }

  Result<std::string> release() override {
    if (added_ > 0 && specs_.empty())
      return std::string();  // nothing of these resources was locked
    // Without a virtus-lockd nothing is held: its locks end with it.
    auto client = manager_.connectRunning();
    if (!client)
      return std::string();
    TRY((*client)->release(owner_.uuid.str(), specs_));
    return std::string();
  }

  // lockd has no state to hand over: the target takes the same lock files.
  Result<std::string> inquire() override { return std::string(); }

 private:
  lockd::LockdOwnerSpec ownerSpec(pid_t pid) const {
    return lockd::LockdOwnerSpec{owner_.uuid.str(), owner_.name, owner_.id, pid};
  }

  const LockdLockManager& manager_;
  LockOwner owner_;
  std::vector<lockd::LockdResourceSpec> specs_;
  int added_ = 0;
  bool hasWritableDisks_ = false;
  std::optional<lockd::LockdClient> pending_;  // holds prepared locks until acquire
};

}  // namespace

LockdLockManager::LockdLockManager(LockdDriverOptions options) : options_(std::move(options)) {}

LockdLockManager::~LockdLockManager() {
  stop();
}

void LockdLockManager::stop() {
  stopping_ = true;
  if (watcher_.joinable())
    watcher_.join();
  stopping_ = false;
}

Result<lockd::LockdClient> LockdLockManager::connect() const {
  return lockd::connectOrStart(options_.launch, options_.timeout);
}

Result<std::unique_ptr<LockSession>> LockdLockManager::openSession(const LockOwner& owner) {
  return std::unique_ptr<LockSession>(std::make_unique<LockdSession>(*this, owner));
}

std::optional<std::unique_ptr<lockd::LockdClient>> LockdLockManager::connectRunning() const {
  auto client =
      lockd::LockdClient::connect(lockd::lockdSocketPath(options_.launch), std::chrono::seconds(2));
  if (!client)
    return std::nullopt;
  return std::make_unique<lockd::LockdClient>(std::move(*client));
}

Result<LockReport> LockdLockManager::report() {
  LockReport report;
  report.driver = "lockd";
  std::vector<lockd::LockdHeld> held;
  if (auto client = connectRunning()) {  // else not started yet: nothing held
    TRY_ASSIGN(held, (*client)->list());
  }
  for (const auto& lock : held) {
    HeldLock entry;
    entry.resource = lock.display.empty() ? lock.name : lock.display;
    entry.lockspace = lock.lockspace;
    entry.file = lock.file;
    entry.shared = lock.shared;
    entry.domain = lock.domain;
    entry.uuid = Uuid::parse(lock.uuid).value_or(Uuid());
    entry.pid = lock.pid;
    entry.host = lock.host;
    entry.since = lock.since;
    report.locks.push_back(std::move(entry));
  }
  for (const std::string* dir :
       {&options_.config.fileLockspaceDir, &options_.config.lvmLockspaceDir,
        &options_.config.scsiLockspaceDir}) {
    if (!dir->empty())
      report.lockspaces.push_back(LockspaceStatus{*dir, *dir, "joined", ""});
  }
  return report;
}

void LockdLockManager::start(LockFailureHandler handler) {
  if (watcher_.joinable() || !handler)
    return;
  watcher_ = std::thread([this, handler = std::move(handler)] { watchLostLocks(handler); });
}

void LockdLockManager::watchLostLocks(LockFailureHandler handler) {
  using namespace std::chrono_literals;
  while (!stopping_) {
    // virtus-lockd is started on the first lock, not by this watcher.
    auto client = lockd::LockdClient::connect(lockd::lockdSocketPath(options_.launch), 1s);
    if (!client || !client->subscribe()) {
      for (int i = 0; i < 10 && !stopping_; ++i)
        std::this_thread::sleep_for(100ms);
      continue;
    }
    while (!stopping_) {
      auto event = client->nextEvent(200ms);
      if (!event)
        break;  // virtus-lockd went away (a re-exec): subscribe again
      if (*event) {
        const auto uuid = Uuid::parse((*event)->uuid);
        if (uuid)
          handler(*uuid, "lock on '" + (*event)->resource + "' was lost: " + (*event)->reason);
      }
    }
  }
}

namespace {

std::optional<std::string> deviceKey(os::CommandRunner& runner, const os::Command& command,
                                     std::optional<std::string> (*parse)(const std::string&)) {
  os::Command bounded = command;
  bounded.timeout = std::chrono::seconds(10);
  auto output = runner.run(bounded);
  if (!output || output->exitStatus != 0)
    return std::nullopt;
  return parse(output->out);
}

}  // namespace

void registerLockdLockDriver(LockDriverRegistry& registry) {
  registry.add(
      "lockd", [](const LockDriverContext& context) -> Result<std::unique_ptr<LockManager>> {
        LockdDriverOptions options;
        TRY_ASSIGN(options.config, loadLockdConfig(context.fs, context.configPath("lockd")));
        options.launch.binary = context.binDir + "/virtus-lockd";
        options.launch.socketPath = context.paths.runDir + "/virtus-lockd.sock";
        options.launch.pidFile = context.paths.runDir + "/virtus-lockd.pid";
        options.launch.root = context.paths.root;
        options.launch.host = options.config.hostName;
        os::CommandRunner* runner = &context.runner;
        options.keys.lvmUuid = [runner](const std::string& path) {
          return deviceKey(*runner, lvmUuidCommand(path), parseLvmUuid);
        };
        options.keys.scsiWwn = [runner](const std::string& path) {
          return deviceKey(*runner, scsiWwnCommand(path), parseScsiWwn);
        };
        return std::unique_ptr<LockManager>(std::make_unique<LockdLockManager>(std::move(options)));
      });
}

}  // namespace virtus::locking
