// Tests only: a child process of the test (QEMU, a build script), with stdin on /dev/null
// and stdout+stderr to a log file, killed and reaped (bounded) whatever happens to the test.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace virtus::qemu {

class TestChildProcess {
 public:
  TestChildProcess() = default;
  TestChildProcess(const TestChildProcess&) = delete;
  TestChildProcess& operator=(const TestChildProcess&) = delete;
  ~TestChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap(std::chrono::seconds(10));
    }
  }

  // argv[0] is looked up on PATH. False when the process could not be started.
  bool start(const std::vector<std::string>& argv, const std::string& logPath) {
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args)
      cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
      return false;
    pid_ = pid;
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    return pidfd_ >= 0;
  }

  pid_t pid() const { return pid_; }

  // The wait status once the child exited within `wait`; nullopt otherwise.
  std::optional<int> reap(std::chrono::milliseconds wait) {
    if (pid_ <= 0)
      return status_;
    pollfd p{pidfd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
      return std::nullopt;
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_)
      return std::nullopt;
    ::close(pidfd_);
    pid_ = -1;
    status_ = status;
    return status_;
  }

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> status_;
};

}  // namespace virtus::qemu
