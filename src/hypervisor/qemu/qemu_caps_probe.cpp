#include "hypervisor/qemu/qemu_caps_probe.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_caps_parse.h"
#include "hypervisor/qemu/qemu_process.h"
#include "hypervisor/qemu/qmp_client.h"
#include "hypervisor/qemu/qmp_connect.h"
#include "os/clock.h"
#include "os/file_system.h"

namespace virtus::qemu {

using nlohmann::json;
using Deadline = std::chrono::steady_clock::time_point;

namespace {

// How long a QEMU that was killed may take to be reaped before the probe gives up on it.
constexpr std::chrono::milliseconds kReapAfterKill{5000};

// Kills and reaps (bounded) the probing QEMU on every early return.
class KillOnExit {
 public:
  explicit KillOnExit(QemuProcess& process) : process_(process) {}
  KillOnExit(const KillOnExit&) = delete;
  KillOnExit& operator=(const KillOnExit&) = delete;
  ~KillOnExit() {
    if (process_.signal(SIGKILL))
      (void)process_.waitExit(kReapAfterKill);
  }

 private:
  QemuProcess& process_;
};

std::chrono::milliseconds remaining(const os::Clock& clock, Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
  return std::max(left, std::chrono::milliseconds(0));
}

std::string logTail(os::FileSystem& fs, const std::string& logPath) {
  auto text = fs.readFile(logPath);
  if (!text || text->empty())
    return "no output";
  std::string t = *text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
    t.pop_back();
  if (t.size() > 400)
    t = "..." + t.substr(t.size() - 400);
  return t;
}

// One QEMU run under `accel`. `full` asks everything; otherwise only what depends on the
// accelerator (machines, CPU models).
Result<void> runPass(const std::string& binary, QemuAccel accel, bool full, const os::Clock& clock,
                     Deadline deadline, os::FileSystem& fs, const std::string& dir,
                     QemuCaps& caps) {
  std::string name(qemuAccelName(accel));
  std::string socket = dir + "/" + name + ".qmp";
  std::string log = dir + "/" + name + ".log";
  TRY_ASSIGN(std::unique_ptr<QemuProcess> child,
             QemuProcess::spawn(
                 {binary, "-S", "-no-user-config", "-nodefaults", "-display", "none", "-machine",
                  "none,accel=" + name, "-qmp", "unix:" + socket + ",server=on,wait=off"},
                 log));
  KillOnExit guard(*child);
  auto withLog = [&](Error e) {
    e.message += " (probing " + binary + " with accel '" + name + "': " + logTail(fs, log) + ")";
    return e;
  };
  auto fd = connectQmp(socket, clock, deadline, child->pid());
  if (!fd)
    return withLog(fd.error());
  auto qmp = QmpClient::open(*fd, clock, deadline);
  if (!qmp)
    return withLog(qmp.error());
  auto ask = [&](std::string_view command) -> Result<json> {
    auto r = (*qmp)->execute(command, deadline);
    if (!r)
      return withLog(r.error());
    return r;
  };

  QemuAccelCaps accelCaps;
  accelCaps.accel = accel;
  if (full) {
    TRY_ASSIGN(json version, ask("query-version"));
    TRY(parseQueryVersion(version, caps));
    TRY_ASSIGN(json target, ask("query-target"));
    TRY_ASSIGN(caps.arch, parseQueryTarget(target));
    TRY_ASSIGN(json kvm, ask("query-kvm"));
    TRY_ASSIGN(QemuKvmState kvmState, parseQueryKvm(kvm));
    caps.kvmPresent = kvmState.present;
    TRY_ASSIGN(json types, ask("qom-list-types"));
    TRY_ASSIGN(caps.deviceTypes, parseQomListTypes(types));
    TRY_ASSIGN(json schema, ask("query-qmp-schema"));
    TRY_ASSIGN(caps.blockDrivers, parseSchemaBlockdevDrivers(schema));
  } else {
    TRY_ASSIGN(json kvm, ask("query-kvm"));
    TRY_ASSIGN(QemuKvmState kvmState, parseQueryKvm(kvm));
    if (accel == QemuAccel::Kvm && !kvmState.enabled)
      return makeError(ErrorCode::OperationFailed, ErrorDomain::Qemu,
                       "KVM is not enabled in QEMU '" + binary + "'");
  }
  TRY_ASSIGN(json machines, ask("query-machines"));
  TRY_ASSIGN(accelCaps.machines, parseQueryMachines(machines));
  TRY_ASSIGN(json cpus, ask("query-cpu-definitions"));
  TRY_ASSIGN(accelCaps.cpuModels, parseQueryCpuDefinitions(cpus));

  // quit: QEMU answers, closes the monitor and exits.
  (void)(*qmp)->execute("quit", deadline);
  TRY((*qmp)->waitClosed(deadline));
  qmp->reset();
  if (!child->waitExit(remaining(clock, deadline)))
    return makeError(ErrorCode::OperationTimeout, ErrorDomain::Qemu,
                     "QEMU '" + binary + "' did not exit after 'quit'");
  caps.accels.push_back(std::move(accelCaps));
  return {};
}

std::vector<std::string> moduleFiles(os::FileSystem& fs, const QemuProbeOptions& options) {
  std::vector<std::string> files;
  for (const auto& dir : options.moduleDirs) {
    auto names = fs.listDirectory(dir);
    if (names)
      files.insert(files.end(), names->begin(), names->end());
  }
  return files;
}

bool kvmUsable(const QemuProbeOptions& options) {
  return options.tryKvm && ::access(options.kvmDevice.c_str(), R_OK | W_OK) == 0;
}

}  // namespace

std::string qemuCapsHostKey(os::FileSystem& fs, const QemuProbeOptions& options) {
  std::vector<std::string> modules;
  for (auto& f : moduleFiles(fs, options))
    if (f.starts_with("block-"))
      modules.push_back(std::move(f));
  std::sort(modules.begin(), modules.end());
  std::string key = kvmUsable(options) ? "kvm=1;" : "kvm=0;";
  for (std::size_t i = 0; i < modules.size(); ++i)
    key += (i ? "," : "") + modules[i];
  return key;
}

Result<QemuCaps> probeQemuCaps(const std::string& binary, const os::Clock& clock, Deadline deadline,
                               os::FileSystem& fs, const QemuProbeOptions& options) {
  std::string pattern = options.workDir + "/caps-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    int err = errno;
    return systemError(ErrorDomain::Qemu, err,
                       "cannot create directory in '" + options.workDir + "'");
  }
  const std::string dir = pattern;
  auto cleanup = [&] {
    for (const char* name : {"tcg.qmp", "tcg.log", "kvm.qmp", "kvm.log"})
      (void)fs.removeFile(dir + "/" + name);
    (void)fs.removeDirectory(dir);
  };

  QemuCaps caps;
  caps.binary = binary;
  auto tcg = runPass(binary, QemuAccel::Tcg, true, clock, deadline, fs, dir, caps);
  if (!tcg) {
    cleanup();
    return tcg.error();
  }
  caps.blockDrivers = usableBlockDrivers(caps.blockDrivers, moduleFiles(fs, options));
  if (options.tryKvm && caps.kvmPresent && ::access(options.kvmDevice.c_str(), R_OK | W_OK) == 0) {
    // A KVM that does not work leaves the TCG result standing.
    caps.kvmEnabled =
        runPass(binary, QemuAccel::Kvm, false, clock, deadline, fs, dir, caps).has_value();
  }
  cleanup();
  return caps;
}

}  // namespace virtus::qemu
