// virtusd: serves a root directory over libvirt's remote protocol. Wires the pieces of
// src/daemon together: options -> paths -> config -> (daemonize) -> signals -> pid lock ->
// sockets -> connection -> dispatcher -> rpc::Server. Start-up errors print one line on
// stderr and exit 1; SIGTERM/SIGINT stop cleanly (exit 0); SIGHUP reloads the config file.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/daemon_config.h"
#include "daemon/daemon_options.h"
#include "daemon/disk_secret_resolver.h"
#include "daemon/dispatch_host_info.h"
#include "daemon/libvirt_socket_paths.h"
#include "daemon/lock_drivers.h"
#include "daemon/qemu_host_caps.h"
#include "daemon/remote_dispatch.h"
#include "daemon/storage_volume_resolver.h"
#include "daemon/unix_listener.h"
#include "hypervisor/qemu/qemu_conf.h"
#include "hypervisor/qemu/qemu_driver.h"
#include "os/clock.h"
#include "os/daemonize.h"
#include "os/linux_command_runner.h"
#include "os/linux_file_system.h"
#include "os/pid_file.h"
#include "os/root_paths.h"
#include "os/signal_waiter.h"
#include "rpc/dispatcher.h"
#include "rpc/server.h"
#include "storage/local_connection.h"

namespace virtus::daemon {
using os::daemonize;
using os::DaemonSignal;
using os::PidFile;
using os::SignalWaiter;
using os::StartupReporter;
namespace {

// The one place that creates the dispatcher.
std::unique_ptr<rpc::Dispatcher> makeDispatcher(driver::Connection& conn,
                                                std::shared_ptr<driver::DomainDriver> qemu,
                                                std::shared_ptr<HostInfo> host,
                                                locking::LockManager* locks) {
  DispatchOptions options;
  options.locks = locks;
  options.host = std::move(host);
  options.defaultUri = ::geteuid() == 0 ? "qemu:///system" : "qemu:///session";
  options.qemuDomains = std::move(qemu);
  return makeRemoteDispatcher(conn, std::move(options));
}

std::string absolutePath(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

void logLine(const std::string& text) {
  std::cerr << "virtusd: " << text << std::endl;
}

struct Plan {
  os::RootPaths paths;
  std::string configPath;
  bool configRequired = false;
  std::string pidPath;
  std::string rootLabel;
  DaemonConfig config;
  std::vector<UnixSocketSpec> sockets;
};

Result<Plan> makePlan(const DaemonOptions& options, os::FileSystem& fs) {
  Plan plan;
  plan.paths = options.root ? os::RootPaths::underRoot(absolutePath(*options.root))
                            : os::processDefaultRootPaths();
  plan.rootLabel = plan.paths.root.empty() ? plan.paths.runDir : plan.paths.root;
  plan.configRequired = options.configPath.has_value();
  plan.configPath =
      options.configPath ? absolutePath(*options.configPath) : plan.paths.daemonConfigPath();
  plan.pidPath = options.pidFile ? absolutePath(*options.pidFile) : plan.paths.daemonPidFilePath();
  TRY_ASSIGN(plan.config, loadDaemonConfig(fs, plan.configPath, plan.configRequired));

  std::optional<gid_t> group;
  if (!plan.config.unixSockGroup.empty()) {
    TRY_ASSIGN(group, lookupGroup(plan.config.unixSockGroup));
  }
  auto add = [&](std::string path, bool readOnly) {
    UnixSocketSpec spec;
    spec.path = std::move(path);
    spec.readOnly = readOnly;
    spec.mode = readOnly ? plan.config.unixSockRoPerms : plan.config.unixSockRwPerms;
    spec.group = group;
    plan.sockets.push_back(std::move(spec));
  };
  add(plan.paths.daemonSocketPath(), false);
  add(plan.paths.daemonReadOnlySocketPath(), true);
  if (options.listenLibvirtPaths || plan.config.listenLibvirtPaths) {
    for (const auto& socket : libvirtSocketPaths(os::processUserEnvironment()))
      add(socket.path, socket.readOnly);
  }
  return plan;
}

rpc::ServerOptions serverOptions(const DaemonConfig& config,
                                 const std::vector<UnixListener>& listeners) {
  rpc::ServerOptions options;
  for (const auto& l : listeners)
    options.listeners.push_back(rpc::Listener{l.fd(), l.readOnly(), l.path()});
  options.workers = config.maxWorkers;
  options.maxClients = config.maxClients;
  // A non-positive interval turns keepalive off in the server, as -1 does in libvirtd.
  options.keepaliveInterval = std::chrono::seconds(config.keepaliveInterval);
  options.keepaliveCount = config.keepaliveCount;
  return options;
}

void reload(const Plan& plan, os::FileSystem& fs, DaemonConfig& current) {
  auto loaded = loadDaemonConfig(fs, plan.configPath, plan.configRequired);
  if (!loaded) {
    logLine("cannot reload the configuration, keeping the previous one: " + loaded.error().message);
    return;
  }
  auto pending = settingsNeedingRestart(current, *loaded);
  current = std::move(loaded).value();
  std::string report = "configuration reloaded from '" + plan.configPath + "'";
  if (!pending.empty()) {
    report += "; applied at the next start:";
    for (const auto& key : pending)
      report += " " + key;
  }
  logLine(report);
}

int runDaemon(const DaemonOptions& options) {
  os::LinuxFileSystem fs;
  auto planned = makePlan(options, fs);
  if (!planned) {
    logLine(planned.error().message);
    return 1;
  }
  Plan plan = std::move(planned).value();

  // From here on a failure is reported through the reporter: in daemon mode the waiting
  // command prints it, since this process's stderr is /dev/null.
  StartupReporter reporter;
  if (options.daemon) {
    auto detached = daemonize();
    if (!detached) {
      logLine(detached.error().message);
      return 1;
    }
    reporter = std::move(detached).value();
  }
  auto fail = [&](const Error& error) {
    reporter.failed("virtusd: " + error.message);
    return 1;
  };

  // Before any thread: every thread started later inherits the blocked signals.
  auto waiter = SignalWaiter::create();
  if (!waiter)
    return fail(waiter.error());
  auto pidFile = PidFile::acquire(plan.pidPath, ::getpid(), "virtusd", plan.rootLabel);
  if (!pidFile)
    return fail(pidFile.error());

  std::vector<UnixListener> listeners;
  for (const auto& spec : plan.sockets) {
    auto listener = UnixListener::listen(spec);
    if (!listener)
      return fail(listener.error());
    listeners.push_back(std::move(listener).value());
  }

  storage::LocalConnectionOptions storageOptions;
  storageOptions.paths = plan.paths;
  storageOptions.networkTimeout = std::chrono::seconds(plan.config.storageTimeout);
  auto conn = storage::openLocalConnection(storageOptions);
  for (const auto& problem : conn->startupProblems())
    reporter.info("virtusd: warning: " + problem.text());
  // QEMU guests: the driver reattaches to the guests still running from an earlier virtusd,
  // then starts the autostart ones.
  os::SystemClock clock;
  // The host's lock manager, from qemu.conf; it outlives the QEMU driver that uses it.
  os::LinuxCommandRunner runner;
  auto locks = makeLockManager(fs, runner, plan.paths);
  if (!locks)
    return fail(locks.error());
  reporter.info("virtusd: lock manager '" + std::string((*locks)->name()) + "'");
  qemu::QemuDriverConfig qemuConfig;
  qemuConfig.paths = plan.paths;
  qemuConfig.lockManager = locks->get();
  qemuConfig.resolveVolume = makeStorageVolumeResolver(conn->storage());
  qemuConfig.resolveSecret = makeDiskSecretResolver(conn->secrets());
  auto qemuDomains = std::make_shared<qemu::QemuDomainDriver>(fs, clock, std::move(qemuConfig));
  for (const auto& problem : qemuDomains->loadProblems())
    reporter.info("virtusd: warning: " + problem.text());
  for (const auto& problem : qemuDomains->autostartDomains())
    reporter.info("virtusd: warning: " + problem.text());
  // QEMU's capabilities: probed on first need (never here), then read from the cache.
  auto qemuHost = makeQemuHostCaps(fs, clock, plan.paths, splitSearchPath(std::getenv("PATH")),
                                   [](const std::string& text) { logLine(text); });
  auto dispatcher = makeDispatcher(*conn, qemuDomains, makeLinuxHostInfo(qemuHost), locks->get());
  if (!dispatcher) {
    return fail(makeError(ErrorCode::NoSupport, ErrorDomain::None,
                          "cannot create the protocol dispatcher"));
  }

  DaemonConfig config = plan.config;
  rpc::Server server(serverOptions(config, listeners), *dispatcher);
  for (const auto& l : listeners) {
    reporter.info("virtusd: listening on " + l.path() +
                  (l.readOnly() ? " (read-only)" : " (read-write)"));
  }
  reporter.ready();

  std::thread signals([&] {
    for (;;) {
      auto got = waiter->wait();
      if (!got) {
        logLine(got.error().text());
        server.stop();
        return;
      }
      if (!*got)
        return;  // the server stopped by itself
      if (**got == DaemonSignal::Reload) {
        reload(plan, fs, config);
        continue;
      }
      server.stop();
      return;
    }
  });
  server.run();
  waiter->interrupt();
  signals.join();
  return 0;
}

}  // namespace
}  // namespace virtus::daemon

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = virtus::daemon::parseDaemonOptions(args);
  if (!parsed) {
    std::cerr << "virtusd: " << parsed.error().message << " (see virtusd --help)" << std::endl;
    return 1;
  }
  if (parsed->exitText) {
    std::cout << *parsed->exitText;
    return 0;
  }
  return virtus::daemon::runDaemon(parsed->options);
}
