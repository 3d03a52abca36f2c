// --daemon: the process detaches (fork, setsid, fork, stdio on /dev/null) and the command
// that started it waits, through a pipe, until the daemon listens or fails: it then prints
// what the daemon reported and exits 0 or 1, so a script can rely on the socket existing.
//
// Messages on the pipe are lines: "I text" (print on stdout), "E text" (print on stderr,
// start-up failed) and "R" (ready).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus::os {

// The daemon's end of the pipe. Without a pipe (foreground) messages go to stdout/stderr
// directly and ready() does nothing.
class StartupReporter {
 public:
  StartupReporter() = default;  // foreground
  explicit StartupReporter(int fd) : fd_(fd) {}
  StartupReporter(StartupReporter&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StartupReporter& operator=(StartupReporter&& other) noexcept;
  StartupReporter(const StartupReporter&) = delete;
  ~StartupReporter();

  void info(std::string_view text);
  void failed(std::string_view text);
  // Start-up is over: the waiting command exits 0; later messages go nowhere.
  void ready();

 private:
  void send(char kind, std::string_view text);
  int fd_ = -1;
};

// Reads the daemon's messages from `fd` until "R" or "E", copying them to out/err.
// Returns the exit code for the waiting command: 0 once ready, 1 after an error or when
// the pipe closes first (the daemon died).
int relayStartup(int fd, std::ostream& out, std::ostream& err);

// Forks. In the original process it never returns (relays start-up, then exits); in the
// detached daemon it returns the reporter. Call it before any thread exists.
Result<StartupReporter> daemonize();

}  // namespace virtus::os
