// One QEMU process of the driver: spawned as a child of virtusd (stdin on /dev/null, stdout
// and stderr appended to the domain's log), or found again after a restart of virtusd, when
// it is no longer our child. Its exit is seen through a pidfd, which works for both; a
// child is reaped with waitid on that pidfd.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace virtus::qemu {

class QemuProcess {
 public:
  // Starts argv (argv[0] looked up on PATH when it has no '/'). SYSTEM_ERROR when the log
  // cannot be opened or the program cannot be executed.
  static Result<std::unique_ptr<QemuProcess>> spawn(const std::vector<std::string>& argv,
                                                    const std::string& logPath);
  // A running process, child or not. SYSTEM_ERROR when it does not exist.
  static Result<std::unique_ptr<QemuProcess>> attach(pid_t pid);

  // Closes the pidfd; the process is left alone.
  ~QemuProcess();
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Readable once the process exited: for poll().
  int pidfd() const { return pidfd_; }

  // Sends `sig` through the pidfd (never to a recycled pid). False once it exited.
  bool signal(int sig);
  // Waits up to `timeout` for the exit; reaps a child. True when it exited.
  bool waitExit(std::chrono::milliseconds timeout);
  bool exited() { return waitExit(std::chrono::milliseconds(0)); }

 private:
  QemuProcess(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
  void reap();

  pid_t pid_;
  int pidfd_;
  bool reaped_ = false;
};

// Whether `pid` is a live process whose command line mentions `monitorPath`: the QEMU that
// a runtime state file describes, not a process that got its pid later.
bool processRunsMonitor(pid_t pid, const std::string& monitorPath);

// The last `maxLines` lines of the file from byte `offset` on, without the final newline.
std::string logTail(const std::string& path, std::uint64_t offset, std::size_t maxLines);

}  // namespace virtus::qemu
