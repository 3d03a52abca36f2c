// Starting, watching and stopping QEMU for the QEMU driver.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command.h"
#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qemu_driver_support.h"
#include "hypervisor/qemu/qmp_connect.h"
#include "os/tcp_port.h"

namespace virtus::qemu {

using driver::DomainEventType;
using driver::DomainHandle;
using driver::DomainLifecycleEvent;
using driver::DomainState;
namespace detail = driver::event_detail;
namespace shutoff = driver::shutoff_reason;

QemuRun::QemuRun() : wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

QemuRun::~QemuRun() {
  qmp.reset();  // stops the reader thread before the queue goes
  if (wakeFd >= 0)
    ::close(wakeFd);
}

void QemuRun::wake() {
  std::uint64_t one = 1;
  (void)!::write(wakeFd, &one, sizeof one);
}

QmpClientOptions QemuRun::monitorOptions() {
  QmpClientOptions options;
  options.onEvent = [this](const QmpEvent& event) {
    {
      std::lock_guard lock(eventMutex);
      events.push_back(event);
    }
    wake();
  };
  options.onClose = [this](const Error&) { wake(); };
  return options;
}

namespace {

// How many lines of QEMU's log an error about its failed start quotes.
constexpr std::size_t kLogTailLines = 5;

// The STOPPED event's detail for a shutoff reason.
int stoppedDetail(int reason) {
  switch (reason) {
    case shutoff::kShutdown:
      return detail::stopped::kShutdown;
    case shutoff::kDestroyed:
      return detail::stopped::kDestroyed;
    case shutoff::kCrashed:
      return detail::stopped::kCrashed;
    default:
      return detail::stopped::kFailed;
  }
}

std::uint64_t fileSize(os::FileSystem& fs, const std::string& path) {
  auto st = fs.stat(path);
  return st ? st->size : 0;
}

}  // namespace

QmpClient::Deadline QemuDomainDriver::commandDeadline() const {
  return clock_.now() + config_.commandTimeout;
}

QemuSecretContext QemuDomainDriver::secretContext(const std::string& name) const {
  return QemuSecretContext{config_.resolveSecret, store_.secretDir(name)};
}

Result<void> QemuDomainDriver::resolveVolume(model::DiskDef& disk) {
  if (disk.src.type != "volume" || !config_.resolveVolume)
    return ok();
  TRY_ASSIGN(ResolvedVolume vol, config_.resolveVolume(disk.src.pool, disk.src.volume));
  disk.src.type = vol.type;
  disk.src.path = vol.path;
  if (vol.type == "network") {
    disk.src.protocol = vol.network.protocol;
    disk.src.name = vol.network.name;
    disk.src.hosts = vol.network.hosts;
    disk.src.initiatorIqn = vol.network.initiatorIqn;
    disk.src.auth = vol.network.auth;
  }
  disk.src.pool.clear();
  disk.src.volume.clear();
  disk.src.mode.clear();
  if (disk.src.format.empty())
    disk.src.format = vol.format;
  return ok();
}

Result<std::shared_ptr<QemuRun>> QemuDomainDriver::spawnQemu(const model::DomainDef& def,
                                                             unsigned flags) {
  model::DomainDef runDef = def;
  for (auto& disk : runDef.disks)
    TRY(resolveVolume(disk));
  // The guest's locks come first: a disk another guest holds refuses the start before QEMU
  // opens anything. Should the start fail, the session's end drops what it took.
  TRY_ASSIGN(auto locks, prepareLocks(runDef));
  QemuLaunchPaths paths;
  paths.emulator = config_.emulator;
  paths.monitorSocket = store_.monitorPath(def.name);
  paths.consoleLogPath = consoleLogPath(def.name);
  const QemuSecretContext secrets = secretContext(def.name);
  paths.secretValue = secrets.lookup;
  paths.secretDir = secrets.directory;
  std::vector<int> ports;
  paths.allocatePort = [&](int first) -> Result<int> {
    std::lock_guard lock(mutex_);
    for (int port = first; port <= 65535; ++port) {
      if (usedPorts_.count(port) ||
          !(config_.portFree ? config_.portFree(port) : os::tcpPortFree(port)))
        continue;
      usedPorts_.insert(port);
      ports.push_back(port);
      return port;
    }
    return qemuError(
        ErrorCode::InternalError,
        "Unable to find an unused port in range 'display' (" + std::to_string(first) + "-65535)");
  };
  auto releasePorts = [&] {
    std::lock_guard lock(mutex_);
    for (int port : ports)
      usedPorts_.erase(port);
  };
  auto built = buildQemuCommandLine(runDef, paths);
  if (!built) {
    releasePorts();
    return std::move(built).error();
  }
  QemuCommand cmd = std::move(*built);
  if (locks) {
    const auto prefix = locks->commandPrefix();
    cmd.argv.insert(cmd.argv.begin(), prefix.begin(), prefix.end());
  }
  // QEMU reads the secret files when it creates its objects, before QMP answers: they go
  // once the monitor is up (or the start failed).
  auto prepared = [&]() -> Result<void> {
    TRY(store_.ensureRuntimeDirs());
    return store_.writeSecrets(def.name, cmd.secrets);
  }();
  if (!prepared) {
    releasePorts();
    return std::move(prepared).error();
  }
  if (fs_.lstat(paths.monitorSocket))
    (void)fs_.removeFile(paths.monitorSocket);

  const std::string logPath = store_.logPath(def.name);
  const std::uint64_t logStart = fileSize(fs_, logPath);
  auto run = std::make_shared<QemuRun>();
  run->monitorPath = paths.monitorSocket;
  run->allocatedPorts = ports;
  run->graphicsPorts = cmd.graphicsPorts;
  auto process = QemuProcess::spawn(cmd.argv, logPath);
  if (!process) {
    releasePorts();
    store_.removeSecrets(def.name);
    return std::move(process).error();
  }
  run->process = std::move(*process);

  QmpClientOptions options = run->monitorOptions();

  // `mayExit`: QEMU may be on its way out by itself (else it is killed at once).
  auto fail = [&](Error error, bool mayExit = true) -> Error {
    // QEMU that is on its way out (a bad device, a missing file) tells why in its log.
    if (mayExit && run->process->waitExit(std::chrono::seconds(2))) {
      error = qemuError(ErrorCode::InternalError, "process exited while connecting to monitor: " +
                                                      logTail(logPath, logStart, kLogTailLines));
    } else {
      run->process->signal(SIGKILL);
      run->process->waitExit(config_.destroyTimeout);
    }
    run->qmp.reset();
    store_.removeState(def.name);
    releasePorts();
    if (locks)
      (void)locks->release();
    return error;
  };

  const auto deadline = clock_.now() + config_.monitorTimeout;
  auto fd = connectQmp(paths.monitorSocket, clock_, deadline, run->process->pid());
  if (!fd)
    return fail(std::move(fd).error());
  auto qmp = QmpClient::open(*fd, clock_, deadline, std::move(options));
  if (!qmp)
    return fail(std::move(qmp).error());
  run->qmp = std::move(*qmp);
  store_.removeSecrets(def.name);
  if (locks) {
    if (auto acquired = locks->acquire(run->process->pid(), ""); !acquired)
      return fail(std::move(acquired).error(), false);
  }
  if (auto ptys = learnPtyPaths(*run); !ptys)
    return fail(std::move(ptys).error());
  if (!(flags & driver::start_domain::kPaused)) {
    auto cont = run->qmp->execute("cont", commandDeadline());
    if (!cont)
      return fail(std::move(cont).error());
  }
  return run;
}

Result<DomainHandle> QemuDomainDriver::launch(Lock& lock, const ObjectPtr& obj, unsigned flags) {
  const model::DomainDef def = obj->def;
  lock.unlock();
  auto run = spawnQemu(def, flags);
  lock.lock();
  if (!run) {
    if (obj->nextDef) {  // createDomain over an inactive persistent domain: its own back
      obj->def = std::move(*obj->nextDef);
      obj->nextDef.reset();
    }
    endJob(*obj);
    if (!obj->persistent)
      remove(*obj);
    return std::move(run).error();
  }
  obj->id = nextId_++;
  if (obj->persistent && !obj->nextDef)
    obj->nextDef = obj->def;
  // The live definition shows the ports the displays got (autoport).
  for (std::size_t i = 0; i < obj->def.graphics.size() && i < (*run)->graphicsPorts.size(); ++i)
    if ((*run)->graphicsPorts[i] > 0)
      obj->def.graphics[i].port = (*run)->graphicsPorts[i];
  if (flags & driver::start_domain::kPaused) {
    obj->state = DomainState::Paused;
    obj->reason = driver::paused_reason::kUser;
  } else {
    obj->state = DomainState::Running;
    obj->reason = driver::running_reason::kBooted;
  }
  markRunning(obj, *run);
  endJob(*obj);
  const DomainHandle handle = handleOf(*obj);
  lock.unlock();
  events_.publish({handle, DomainEventType::Started, detail::started::kBooted});
  if (flags & driver::start_domain::kPaused)
    events_.publish({handle, DomainEventType::Suspended, detail::suspended::kPaused});
  return handle;
}

void QemuDomainDriver::saveRuntimeState(const QemuDomainObject& obj) {
  if (!obj.run)
    return;
  QemuRuntimeState state;
  state.pid = obj.run->process->pid();
  state.id = obj.id;
  state.monitorPath = obj.run->monitorPath;
  state.state = static_cast<int>(obj.state);
  state.reason = obj.reason;
  state.def = obj.def;
  (void)store_.saveState(state);  // best effort: without it a restart loses the domain
}

void QemuDomainDriver::markRunning(const ObjectPtr& obj, const std::shared_ptr<QemuRun>& run) {
  obj->run = run;
  applyPtyPaths(obj->def, *run);
  saveRuntimeState(*obj);
  run->watcher = std::thread([this, obj, run] { watch(obj, run); });
}

void QemuDomainDriver::handleEvent(QemuDomainObject& obj, QemuRun& run, const QmpEvent& event) {
  if (event.name == "DEVICE_DELETED") {
    // Without "device" it is a device without an id (a virtio backend): not ours to track.
    if (auto it = event.data.find("device"); it != event.data.end() && it->is_string())
      finishUnplug(obj, run, it->get<std::string>());
    return;
  }
  // After a guest's poweroff, `quit` makes QEMU report a second, host-initiated SHUTDOWN.
  // QEMU reports a destroy's SIGTERM as a shutdown too: it ends by itself, with no event.
  if (event.name != "SHUTDOWN" || run.guestShutdown || run.stopReason >= 0)
    return;
  DomainHandle handle;
  {
    std::lock_guard lock(mutex_);
    handle = handleOf(obj);
  }
  const bool guest = event.data.value("guest", false);
  events_.publish({handle, DomainEventType::Shutdown,
                   guest ? detail::shutdown::kGuest : detail::shutdown::kHost});
  // -no-shutdown keeps QEMU alive after the guest's poweroff: end it, or restart the guest
  // when its definition or a reboot asks for that.
  run.guestShutdown = true;
  std::string onPoweroff;
  {
    std::lock_guard lock(mutex_);
    onPoweroff = obj.def.onPoweroff;
  }
  const auto deadline = commandDeadline();
  const bool reboot = run.fakeReboot.exchange(false);
  if (reboot || onPoweroff == "restart" || onPoweroff == "rename-restart") {
    run.guestShutdown = false;
    (void)run.qmp->execute("system_reset", deadline);
    (void)run.qmp->execute("cont", deadline);
    return;
  }
  (void)run.qmp->execute("quit", deadline);
}

void QemuDomainDriver::watch(ObjectPtr obj, std::shared_ptr<QemuRun> run) {
  while (true) {
    pollfd fds[2] = {{run->process->pidfd(), POLLIN, 0}, {run->wakeFd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (fds[1].revents & POLLIN) {
      std::uint64_t count = 0;
      (void)!::read(run->wakeFd, &count, sizeof count);
    }
    std::deque<QmpEvent> events;
    {
      std::lock_guard lock(run->eventMutex);
      if (run->stopWatching)
        return;
      events.swap(run->events);
    }
    for (const auto& event : events)
      handleEvent(*obj, *run, event);
    if (fds[0].revents & POLLIN) {
      run->process->waitExit(std::chrono::milliseconds(0));  // reaps a child
      finishRun(obj, run);
      return;
    }
  }
}

void QemuDomainDriver::finishRun(const ObjectPtr& obj, const std::shared_ptr<QemuRun>& run) {
  if (config_.lockManager) {
    model::DomainDef def;
    {
      std::lock_guard lock(mutex_);
      def = obj->def;
    }
    releaseLocks(def, run->process->pid());
  }
  Lock lock(mutex_);
  int reason = run->stopReason;
  if (reason < 0)
    reason = run->guestShutdown ? shutoff::kShutdown : shutoff::kCrashed;
  const DomainHandle stoppedHandle{obj->def.name, obj->def.uuid.value_or(Uuid()), -1};
  store_.removeState(obj->def.name);
  for (int port : run->allocatedPorts)
    usedPorts_.erase(port);
  obj->state = DomainState::Shutoff;
  obj->reason = reason;
  obj->id = -1;
  if (obj->nextDef) {
    obj->def = std::move(*obj->nextDef);
    obj->nextDef.reset();
  }
  if (obj->run == run)
    obj->run.reset();
  retired_.push_back(std::move(run->watcher));
  if (!obj->persistent)
    remove(*obj);
  changed_.notify_all();
  lock.unlock();
  events_.publish({stoppedHandle, DomainEventType::Stopped, stoppedDetail(reason)});
}

std::vector<Error> QemuDomainDriver::autostartDomains() {
  std::vector<DomainHandle> candidates;
  {
    std::lock_guard lock(mutex_);
    for (const auto& obj : objects_)
      if (obj->persistent && obj->autostart && !obj->isActive())
        candidates.push_back(handleOf(*obj));
  }
  std::vector<Error> errors;
  for (const auto& dom : candidates) {
    if (auto started = startDomain(dom, 0); !started) {
      Error e = std::move(started).error();
      e.message = "failed to autostart VM '" + dom.name + "': " + e.message;
      errors.push_back(std::move(e));
    }
  }
  return errors;
}

Result<void> QemuDomainDriver::waitForShutoff(const DomainHandle& dom,
                                              std::chrono::milliseconds timeout) {
  Lock lock(mutex_);
  ObjectPtr obj = findByUuid(dom.uuid);
  if (!obj)
    return ok();  // a transient domain that stopped is gone
  if (!changed_.wait_for(lock, timeout, [&] { return !obj->isActive(); }))
    return qemuError(ErrorCode::OperationTimeout,
                     "domain '" + obj->def.name + "' is still running");
  return ok();
}

Result<void> QemuDomainDriver::destroyDomain(const DomainHandle& dom, unsigned flags) {
  TRY(checkFlags(flags, driver::destroy_domain::kGraceful, "qemuDomainDestroyFlags"));
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  TRY_ASSIGN(std::shared_ptr<QemuRun> run, beginRunningJob(lock, *obj));
  run->stopReason = shutoff::kDestroyed;
  auto stopped = [&] { return obj->run != run; };
  run->process->signal(SIGTERM);
  if (!changed_.wait_for(lock, config_.destroyTimeout, stopped)) {
    if (flags & driver::destroy_domain::kGraceful) {
      run->stopReason = -1;
      endJob(*obj);
      return qemuError(ErrorCode::OperationFailed, "failed to terminate process " +
                                                       std::to_string(run->process->pid()) +
                                                       " with SIGTERM: Device or resource busy");
    }
    run->process->signal(SIGKILL);
    if (!changed_.wait_for(lock, config_.destroyTimeout, stopped)) {
      endJob(*obj);
      return qemuError(ErrorCode::OperationFailed, "failed to kill process " +
                                                       std::to_string(run->process->pid()) +
                                                       ": Device or resource busy");
    }
  }
  endJob(*obj);
  return ok();
}

Result<void> QemuDomainDriver::monitorCommand(
    const DomainHandle& dom, const char* command,
    const std::function<void(QemuDomainObject&)>& onSuccess, bool requireRunning) {
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  TRY_ASSIGN(std::shared_ptr<QemuRun> run, beginRunningJob(lock, *obj));
  if (requireRunning && obj->state != DomainState::Running) {
    endJob(*obj);
    return qemuError(ErrorCode::OperationInvalid, "domain is not running");
  }
  lock.unlock();
  auto result = run->qmp->execute(command, commandDeadline());
  lock.lock();
  if (result && onSuccess && obj->run == run) {
    onSuccess(*obj);
    saveRuntimeState(*obj);
  }
  endJob(*obj);
  if (!result)
    return std::move(result).error();
  return ok();
}

Result<void> QemuDomainDriver::shutdownDomain(const DomainHandle& dom, unsigned flags) {
  namespace sd = driver::shutdown_domain;
  TRY(checkFlags(flags, sd::kAcpiPowerButton, "qemuDomainShutdownFlags"));
  return monitorCommand(dom, "system_powerdown", nullptr, false);
}

Result<void> QemuDomainDriver::rebootDomain(const DomainHandle& dom, unsigned flags) {
  namespace sd = driver::shutdown_domain;
  TRY(checkFlags(flags, sd::kAcpiPowerButton, "qemuDomainReboot"));
  // As libvirt without a guest agent: the ACPI power button, and the guest's poweroff
  // becomes a reset (handleEvent).
  std::shared_ptr<QemuRun> run;
  {
    std::lock_guard lock(mutex_);
    TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
    run = obj->run;
  }
  if (run)
    run->fakeReboot = true;
  auto pressed = monitorCommand(dom, "system_powerdown", nullptr, false);
  if (!pressed && run)
    run->fakeReboot = false;
  return pressed;
}

Result<void> QemuDomainDriver::resetDomain(const DomainHandle& dom) {
  return monitorCommand(dom, "system_reset", nullptr, false);
}

Result<void> QemuDomainDriver::suspendDomain(const DomainHandle& dom) {
  std::optional<DomainLifecycleEvent> event;
  TRY(monitorCommand(
      dom, "stop",
      [&](QemuDomainObject& obj) {
        obj.state = DomainState::Paused;
        obj.reason = driver::paused_reason::kUser;
        event = DomainLifecycleEvent{handleOf(obj), DomainEventType::Suspended,
                                     detail::suspended::kPaused};
      },
      false));
  if (event)
    events_.publish(*event);
  return ok();
}

Result<void> QemuDomainDriver::resumeDomain(const DomainHandle& dom) {
  {
    std::lock_guard lock(mutex_);
    TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
    if (obj->isActive() && obj->state == DomainState::Running)
      return ok();  // nothing to resume
  }
  std::optional<DomainLifecycleEvent> event;
  TRY(monitorCommand(
      dom, "cont",
      [&](QemuDomainObject& obj) {
        obj.state = DomainState::Running;
        obj.reason = driver::running_reason::kUnpaused;
        event = DomainLifecycleEvent{handleOf(obj), DomainEventType::Resumed,
                                     detail::resumed::kUnpaused};
      },
      false));
  if (event)
    events_.publish(*event);
  return ok();
}

}  // namespace virtus::qemu
