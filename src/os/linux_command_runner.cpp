#include "os/linux_command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace virtus::os {

namespace {

using Clock = std::chrono::steady_clock;

// Closes the descriptor it owns.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }
  Fd& operator=(int fd) {
    reset();
    fd_ = fd;
    return *this;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

Result<void> makePipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0)
    return systemError(ErrorDomain::None, errno, "cannot create pipe");
  p.read = fds[0];
  p.write = fds[1];
  return ok();
}

void setNonBlocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int exitStatusOf(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

// Writes to the child's stdin without letting a closed pipe raise SIGPIPE in this process:
// SIGPIPE is blocked in this thread for the write and a pending one is consumed.
ssize_t writeNoSigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipeSet, oldSet;
  sigemptyset(&pipeSet);
  sigaddset(&pipeSet, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipeSet, &oldSet);
  ssize_t n = ::write(fd, data, size);
  int savedErrno = errno;
  if (n < 0 && errno == EPIPE) {
    struct timespec zero {};
    while (sigtimedwait(&pipeSet, nullptr, &zero) > 0) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &oldSet, nullptr);
  errno = savedErrno;
  return n;
}

// Waits for the child for at most `limit`; true when it was reaped.
bool reapWithin(pid_t pid, std::chrono::milliseconds limit, int& status) {
  auto deadline = Clock::now() + limit;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return true;
    if (r < 0 && errno != EINTR)
      return true;  // already gone: nothing left to reap
    if (Clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

LinuxCommandRunner::LinuxCommandRunner(std::chrono::milliseconds defaultTimeout,
                                       std::chrono::milliseconds killGrace)
    : defaultTimeout_(defaultTimeout), killGrace_(killGrace) {}

Result<CommandOutput> LinuxCommandRunner::run(const Command& command) {
  Pipe in, out, err;
  TRY(makePipe(out));
  TRY(makePipe(err));
  if (command.input)
    TRY(makePipe(in));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (command.input) {
    posix_spawn_file_actions_adddup2(&actions, in.read.get(), 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
  // Descriptors the daemon holds (sockets, images) must not leak into tools.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t noSignals, defaults;
  sigemptyset(&noSignals);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attr, &noSignals);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  // Its own process group, so that a deadline kills whatever the tool started as well.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(command.program.c_str()));
  for (const auto& a : command.args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, command.program.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return systemError(ErrorDomain::None, rc, "cannot execute binary " + command.program);
  }

  in.read.reset();
  out.write.reset();
  err.write.reset();
  setNonBlocking(out.read.get());
  setNonBlocking(err.read.get());
  if (in.write.valid())
    setNonBlocking(in.write.get());

  auto timeout = command.timeout.count() > 0 ? command.timeout : defaultTimeout_;
  auto deadline = Clock::now() + timeout;
  CommandOutput result;
  std::size_t inputDone = 0;
  if (command.input && command.input->empty())
    in.write.reset();
  bool timedOut = false;

  while (out.read.valid() || err.read.valid() || in.write.valid()) {
    auto now = Clock::now();
    if (now >= deadline) {
      timedOut = true;
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd fds[3];
    int n = 0;
    int outIdx = -1, errIdx = -1, inIdx = -1;
    if (out.read.valid()) {
      outIdx = n;
      fds[n++] = {out.read.get(), POLLIN, 0};
    }
    if (err.read.valid()) {
      errIdx = n;
      fds[n++] = {err.read.get(), POLLIN, 0};
    }
    if (in.write.valid()) {
      inIdx = n;
      fds[n++] = {in.write.get(), POLLOUT, 0};
    }
    int pr = ::poll(fds, n, static_cast<int>(std::min<long long>(left + 1, 1000)));
    if (pr < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    auto drain = [](Fd& fd, std::string& sink, short revents) {
      if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return;
      char buf[16384];
      for (;;) {
        ssize_t got = ::read(fd.get(), buf, sizeof buf);
        if (got > 0) {
          sink.append(buf, static_cast<std::size_t>(got));
          continue;
        }
        if (got < 0 && (errno == EINTR))
          continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
          return;
        fd.reset();  // EOF or error
        return;
      }
    };
    if (outIdx >= 0)
      drain(out.read, result.out, fds[outIdx].revents);
    if (errIdx >= 0)
      drain(err.read, result.err, fds[errIdx].revents);
    if (inIdx >= 0 && fds[inIdx].revents) {
      if (fds[inIdx].revents & (POLLERR | POLLHUP)) {
        in.write.reset();
      } else {
        const std::string& data = *command.input;
        ssize_t w =
            writeNoSigpipe(in.write.get(), data.data() + inputDone, data.size() - inputDone);
        if (w > 0)
          inputDone += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || inputDone == data.size()) {
          in.write.reset();
        }
      }
    }
  }

  int status = 0;
  if (!timedOut) {
    // The pipes are closed, but the program may still run (or have daemonized a child that
    // closed them): keep honouring the deadline.
    auto now = Clock::now();
    auto left = now < deadline
                    ? std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)
                    : std::chrono::milliseconds(0);
    if (!reapWithin(pid, left, status))
      timedOut = true;
  }
  if (timedOut) {
    ::kill(-pid, SIGTERM);
    if (!reapWithin(pid, killGrace_, status)) {
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
    std::string limit = ms % 1000 == 0 ? std::to_string(ms / 1000) + " seconds"
                                       : std::to_string(ms) + " milliseconds";
    return makeError(ErrorCode::OperationTimeout, ErrorDomain::None,
                     "Child process (" + command.toString() + ") did not finish within " + limit);
  }
  result.exitStatus = exitStatusOf(status);
  return result;
}

}  // namespace virtus::os
