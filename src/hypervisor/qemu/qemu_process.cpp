#include "hypervisor/qemu/qemu_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

extern char** environ;

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace virtus::qemu {

namespace {

int openPidfd(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

}  // namespace

Result<std::unique_ptr<QemuProcess>> QemuProcess::spawn(const std::vector<std::string>& argv,
                                                        const std::string& logPath) {
  if (argv.empty())
    return makeError(ErrorCode::InternalError, ErrorDomain::Qemu, "empty QEMU command line");
  int logFd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (logFd < 0)
    return systemError(ErrorDomain::Qemu, errno, "cannot open log file '" + logPath + "'");
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, logFd, 1);
  posix_spawn_file_actions_adddup2(&actions, logFd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // QEMU gets default signal dispositions and an empty mask, whatever virtusd blocks.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  // Its own session, as libvirt does: a signal to virtusd's process group (Ctrl-C on a
  // foreground virtusd, a service manager stopping the daemon) does not reach the guests.
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0].c_str(), &actions, &attr, cargv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  ::close(logFd);
  if (rc != 0)
    return systemError(ErrorDomain::Qemu, rc, "cannot execute binary " + args[0]);
  int pidfd = openPidfd(pid);
  if (pidfd < 0) {
    int err = errno;
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return systemError(ErrorDomain::Qemu, err, "cannot watch process " + std::to_string(pid));
  }
  return std::unique_ptr<QemuProcess>(new QemuProcess(pid, pidfd));
}

Result<std::unique_ptr<QemuProcess>> QemuProcess::attach(pid_t pid) {
  int pidfd = openPidfd(pid);
  if (pidfd < 0)
    return systemError(ErrorDomain::Qemu, errno, "cannot watch process " + std::to_string(pid));
  return std::unique_ptr<QemuProcess>(new QemuProcess(pid, pidfd));
}

QemuProcess::~QemuProcess() {
  if (pidfd_ >= 0)
    ::close(pidfd_);
}

bool QemuProcess::signal(int sig) {
  return ::syscall(SYS_pidfd_send_signal, pidfd_, sig, nullptr, 0) == 0;
}

bool QemuProcess::waitExit(std::chrono::milliseconds timeout) {
  if (reaped_)
    return true;
  pollfd p{pidfd_, POLLIN, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (rc < 0 && errno == EINTR);
  if (rc <= 0)
    return false;
  reap();
  return true;
}

void QemuProcess::reap() {
  // A child is reaped here; for a process that is not our child waitid fails with ECHILD
  // and its parent reaps it.
  siginfo_t info{};
  while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_), &info,
                  WEXITED | WNOHANG) < 0 &&
         errno == EINTR) {
  }
  reaped_ = true;
}

bool processRunsMonitor(pid_t pid, const std::string& monitorPath) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  if (!in)
    return false;
  std::stringstream s;
  s << in.rdbuf();
  return !monitorPath.empty() && s.str().find(monitorPath) != std::string::npos;
}

std::string logTail(const std::string& path, std::uint64_t offset, std::size_t maxLines) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "";
  in.seekg(static_cast<std::streamoff>(offset));
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  std::vector<std::string> lines;
  std::istringstream split(text);
  std::string line;
  while (std::getline(split, line))
    if (!line.empty())
      lines.push_back(line);
  std::string tail;
  for (std::size_t i = lines.size() > maxLines ? lines.size() - maxLines : 0; i < lines.size(); ++i)
    tail += (tail.empty() ? "" : "\n") + lines[i];
  return tail;
}

}  // namespace virtus::qemu
