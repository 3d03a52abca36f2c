// Taking over the QEMUs that a previous virtusd left running: their runtime state files
// name the pid and the monitor; a process that is gone or is not that QEMU leaves a stale
// file, which is removed, and its domain is shut off.
#include <signal.h>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qemu_driver_support.h"
#include "hypervisor/qemu/qmp_connect.h"

namespace virtus::qemu {

using driver::DomainState;
namespace shutoff = driver::shutoff_reason;

void QemuDomainDriver::reconnectAll(std::vector<QemuRuntimeState> states) {
  for (auto& state : states)
    reconnect(std::move(state));
}

void QemuDomainDriver::reconnect(QemuRuntimeState state) {
  const std::string name = state.def.name;
  ObjectPtr obj;
  {
    std::lock_guard lock(mutex_);
    obj = findByName(name);
    if (obj && obj->def.uuid != state.def.uuid)
      obj = nullptr;  // another domain took the name: the state file is stale
  }
  auto stale = [&] {
    store_.removeState(name);
    std::lock_guard lock(mutex_);
    if (obj) {
      obj->state = DomainState::Shutoff;
      obj->reason = shutoff::kUnknown;
    }
  };
  if (!processRunsMonitor(state.pid, state.monitorPath))
    return stale();
  auto process = QemuProcess::attach(state.pid);
  if (!process)
    return stale();
  auto run = std::make_shared<QemuRun>();
  run->process = std::move(*process);
  run->monitorPath = state.monitorPath;
  QmpClientOptions options = run->monitorOptions();
  const auto deadline = clock_.now() + config_.monitorTimeout;
  Result<nlohmann::json> status = qemuError(ErrorCode::InternalError, "no monitor");
  if (auto fd = connectQmp(state.monitorPath, clock_, deadline, state.pid)) {
    if (auto qmp = QmpClient::open(*fd, clock_, deadline, std::move(options))) {
      run->qmp = std::move(*qmp);
      status = run->qmp->execute("query-status", clock_.now() + config_.commandTimeout);
    }
  }
  if (!status) {
    // A QEMU that we cannot control any more is ended, as libvirt does.
    run->qmp.reset();
    run->process->signal(SIGKILL);
    run->process->waitExit(config_.destroyTimeout);
    return stale();
  }
  (void)learnPtyPaths(*run);  // without them the consoles cannot be opened, the rest works
  std::lock_guard lock(mutex_);
  if (!obj) {
    obj = std::make_shared<QemuDomainObject>();
    objects_.push_back(obj);
  } else {
    obj->nextDef = std::move(obj->def);
  }
  obj->def = std::move(state.def);
  obj->id = state.id > 0 ? state.id : nextId_;
  nextId_ = std::max(nextId_, obj->id + 1);
  const std::string qemuStatus = (*status).value("status", "");
  if (qemuStatus == "running") {
    obj->state = DomainState::Running;
    obj->reason = driver::running_reason::kUnknown;
  } else {
    obj->state = DomainState::Paused;
    obj->reason = qemuStatus == "prelaunch" ? driver::paused_reason::kStartingUp
                                            : driver::paused_reason::kUser;
  }
  // The reason saved with the state still holds while QEMU agrees on the state.
  if (state.state == static_cast<int>(obj->state))
    obj->reason = state.reason;
  // The ports its displays got stay taken.
  for (const auto& graphics : obj->def.graphics)
    if (graphics.autoport && graphics.port > 0 && usedPorts_.insert(graphics.port).second)
      run->allocatedPorts.push_back(graphics.port);
  markRunning(obj, run);
}

}  // namespace virtus::qemu
