// virtus-lockd: holds disk locks (OFD fcntl locks) for virtusd's guests so that they
// survive virtusd restarts; SIGUSR1 re-execs it without dropping them. Wires options ->
// paths -> (daemonize) -> signals -> pid lock -> socket -> LockTable -> LockdServer, or,
// with --state-fd, adopts what the previous process handed over.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "lockd/lock_table.h"
#include "lockd/lockd_options.h"
#include "lockd/lockd_paths.h"
#include "lockd/lockd_server.h"
#include "lockd/lockd_state.h"
#include "lockd/unix_listen.h"
#include "os/clock.h"
#include "os/daemonize.h"
#include "os/pid_file.h"
#include "os/root_paths.h"

namespace virtus::lockd {
namespace {

std::string absolutePath(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

std::string hostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) < 0 || buf[0] == '\0')
    return "localhost";
  return buf;
}

std::int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The options with every path absolute and every default filled in, as a re-exec repeats
// them (the daemon runs in '/').
LockdOptions resolve(LockdOptions options) {
  if (options.root)
    options.root = absolutePath(*options.root);
  std::string root = options.root.value_or("");
  options.socketPath =
      options.socketPath ? absolutePath(*options.socketPath) : defaultLockdSocketPath(root);
  options.pidFile =
      options.pidFile ? absolutePath(*options.pidFile) : defaultLockdPidFilePath(root);
  if (!options.host)
    options.host = hostName();
  return options;
}

std::string rootLabel(const LockdOptions& options) {
  if (options.root)
    return *options.root;
  return os::processDefaultRootPaths().runDir;
}

void blockSignals() {
  sigset_t set = LockdServer::signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

ReexecPlan reexecPlan(const LockdOptions& options, std::string program, int pidFileFd) {
  ReexecPlan plan;
  plan.program = std::move(program);
  plan.arguments = [options](int stateFd) { return reexecArguments(options, stateFd); };
  plan.pidFileFd = pidFileFd;
  plan.pidFile = *options.pidFile;
  plan.socketPath = *options.socketPath;
  return plan;
}

int serve(LockTable& table, ServerSetup setup) {
  std::string socketPath = setup.reexec.socketPath;
  LockdServer server(table, std::move(setup));
  auto done = server.run();
  ::unlink(socketPath.c_str());
  if (!done) {
    std::cerr << "virtus-lockd: " << done.error().text() << std::endl;
    return 1;
  }
  return 0;
}

// The process after a re-exec: everything comes from the state fd.
int runAdopted(const LockdOptions& options, const std::string& program) {
  blockSignals();
  auto text = readStateFd(*options.stateFd);
  if (!text) {
    std::cerr << "virtus-lockd: " << text.error().text() << std::endl;
    return 1;
  }
  auto state = parseDaemonState(*text);
  if (!state) {
    std::cerr << "virtus-lockd: " << state.error().text() << std::endl;
    return 1;
  }
  os::PidFile pidFile = os::PidFile::adopt(state->pidFile, state->pidFileFd);
  os::SystemClock clock;
  LockTable table(state->host, clock);
  table.adopt(std::move(state->owners));
  ServerSetup setup;
  setup.listenFd = state->listenFd;
  setup.checkInterval = std::chrono::seconds(options.checkInterval);
  setup.status = LockdStatus{::getpid(), state->host, state->started, state->generation};
  setup.reexec = reexecPlan(options, program, state->pidFileFd);
  setup.reexec.pidFile = state->pidFile;
  setup.reexec.socketPath = state->socketPath;
  return serve(table, std::move(setup));
}

int runFresh(const LockdOptions& options, const std::string& program) {
  std::optional<os::StartupReporter> reporter;
  if (options.daemon) {
    auto detached = os::daemonize();
    if (!detached) {
      std::cerr << "virtus-lockd: " << detached.error().text() << std::endl;
      return 1;
    }
    reporter.emplace(std::move(*detached));
  } else {
    reporter.emplace();
  }
  blockSignals();
  auto pidFile =
      os::PidFile::acquire(*options.pidFile, ::getpid(), "virtus-lockd", rootLabel(options));
  if (!pidFile) {
    reporter->failed("virtus-lockd: " + pidFile.error().text());
    return 1;
  }
  const int pidFileFd = pidFile->fd();
  auto listenFd = listenUnix(*options.socketPath);
  if (!listenFd) {
    reporter->failed("virtus-lockd: " + listenFd.error().text());
    return 1;
  }
  os::SystemClock clock;
  LockTable table(*options.host, clock);
  ServerSetup setup;
  setup.listenFd = *listenFd;
  setup.checkInterval = std::chrono::seconds(options.checkInterval);
  setup.status = LockdStatus{::getpid(), *options.host, unixNow(), 0};
  setup.reexec = reexecPlan(options, program, pidFileFd);
  reporter->ready();
  return serve(table, std::move(setup));
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parseLockdOptions(args);
  if (!parsed) {
    std::cerr << "virtus-lockd: " << parsed.error().message << "\n" << lockdUsage();
    return 2;
  }
  if (parsed->help) {
    std::cout << lockdUsage();
    return 0;
  }
  LockdOptions options = resolve(*parsed);
  // Resolved now: an upgrade may replace the file at the path before a re-exec.
  std::error_code ec;
  std::string program = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec || program.empty())
    program = argv[0];
  if (options.stateFd)
    return runAdopted(options, program);
  return runFresh(options, program);
}

}  // namespace
}  // namespace virtus::lockd

int main(int argc, char** argv) {
  return virtus::lockd::run(argc, argv);
}
