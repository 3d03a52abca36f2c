#include "os/daemonize.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace virtus::os {

namespace {

void writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

Result<void> redirectStdio() {
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    return systemError(ErrorDomain::None, errno, "cannot open '/dev/null'");
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::dup2(null, fd) < 0) {
      int err = errno;
      ::close(null);
      return systemError(ErrorDomain::None, err, "cannot redirect standard streams");
    }
  }
  ::close(null);
  return ok();
}

}  // namespace

StartupReporter& StartupReporter::operator=(StartupReporter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

StartupReporter::~StartupReporter() {
  if (fd_ >= 0)
    ::close(fd_);
}

void StartupReporter::send(char kind, std::string_view text) {
  std::string line(1, kind);
  if (!text.empty()) {
    line += ' ';
    // One message per line: a newline inside would end it early.
    for (char c : text)
      line += c == '\n' ? ' ' : c;
  }
  line += '\n';
  writeAll(fd_, line);
}

void StartupReporter::info(std::string_view text) {
  if (fd_ < 0) {
    std::cout << text << std::endl;
    return;
  }
  send('I', text);
}

void StartupReporter::failed(std::string_view text) {
  if (fd_ < 0) {
    std::cerr << text << std::endl;
    return;
  }
  send('E', text);
}

void StartupReporter::ready() {
  if (fd_ < 0)
    return;
  send('R', "");
  ::close(fd_);
  fd_ = -1;
}

int relayStartup(int fd, std::ostream& out, std::ostream& err) {
  std::string pending;
  char buf[4096];
  for (;;) {
    std::size_t eol;
    while ((eol = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, eol);
      pending.erase(0, eol + 1);
      std::string text = line.size() > 2 ? line.substr(2) : "";
      if (line.empty())
        continue;
      switch (line[0]) {
        case 'I':
          out << text << std::endl;
          break;
        case 'E':
          err << text << std::endl;
          return 1;
        case 'R':
          return 0;
        default:
          break;
      }
    }
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err << "virtusd: the daemon exited during start-up" << std::endl;
      return 1;
    }
    pending.append(buf, static_cast<std::size_t>(n));
  }
}

Result<StartupReporter> daemonize() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0)
    return systemError(ErrorDomain::None, errno, "cannot create a pipe");
  std::cout.flush();
  std::cerr.flush();
  pid_t child = ::fork();
  if (child < 0) {
    int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return systemError(ErrorDomain::None, err, "cannot fork");
  }
  if (child > 0) {
    ::close(fds[1]);
    int code = relayStartup(fds[0], std::cout, std::cerr);
    // The intermediate process exits at once; reap it so that it is no zombie meanwhile.
    int status = 0;
    ::waitpid(child, &status, 0);
    std::exit(code);
  }
  ::close(fds[0]);
  StartupReporter reporter(fds[1]);
  if (::setsid() < 0) {
    reporter.failed("virtusd: cannot start a new session");
    ::_exit(1);
  }
  // The second fork makes the daemon a non-leader, so it can never reacquire a terminal.
  pid_t daemon = ::fork();
  if (daemon < 0) {
    reporter.failed("virtusd: cannot fork the daemon");
    ::_exit(1);
  }
  if (daemon > 0)
    ::_exit(0);
  if (::chdir("/") < 0) {
    reporter.failed("virtusd: cannot change directory to '/'");
    ::_exit(1);
  }
  if (auto redirected = redirectStdio(); !redirected) {
    reporter.failed("virtusd: " + redirected.error().text());
    ::_exit(1);
  }
  return reporter;
}

}  // namespace virtus::os
