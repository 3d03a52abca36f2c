#include "hypervisor/qemu/qmp_connect.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "common/path_util.h"
#include "os/clock.h"

namespace virtus::qemu {

namespace {

using RealClock = std::chrono::steady_clock;

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Error processExited() {
  return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                   "process exited while connecting to monitor");
}

// glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage, so C++ cannot link
// against it: the system call directly (Linux 5.3 and later).
int openPidfd(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

void drain(int fd) {
  char buffer[4096];
  while (::read(fd, buffer, sizeof buffer) > 0) {
  }
}

}  // namespace

// How the wait works: QEMU binds its socket a few milliseconds after exec. An inotify
// watch on the socket's directory, set before the first attempt, wakes the wait as soon as
// the socket file is created, so a missing socket costs no polling at all. Between bind()
// and listen() (and with a stale socket file from an earlier QEMU) connect() is refused
// while the file exists; inotify cannot see listen(), so that window alone is retried with
// a short doubling backoff (1 ms up to 32 ms). Every wait is a poll() that also watches a
// pidfd of the QEMU process, so its death ends the wait at once.
Result<int> connectQmp(const std::string& socketPath, const os::Clock& clock,
                       std::chrono::steady_clock::time_point deadline, std::optional<pid_t> pid) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socketPath.empty() || socketPath.size() >= sizeof addr.sun_path)
    return makeError(
        ErrorCode::InvalidArg, ErrorDomain::Qemu,
        "the monitor socket path '" + socketPath + "' is empty or too long for a unix socket");
  std::memcpy(addr.sun_path, socketPath.data(), socketPath.size());

  UniqueFd pidfd(pid ? openPidfd(*pid) : -1);
  if (pid) {
    if (pidfd.get() < 0) {
      if (errno == ESRCH)
        return processExited();
      return systemError(ErrorDomain::Qemu, errno,
                         "Unable to watch the QEMU process " + std::to_string(*pid));
    }
  }
  std::string dir = parentDirectory(socketPath);
  UniqueFd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (inotify.get() < 0)
    return systemError(ErrorDomain::Qemu, errno, "Unable to create an inotify instance");
  if (::inotify_add_watch(inotify.get(), dir.c_str(), IN_CREATE | IN_MOVED_TO | IN_ATTRIB) < 0)
    return systemError(ErrorDomain::Qemu, errno,
                       "cannot watch the directory '" + dir + "' for the monitor socket");

  constexpr auto kFar = std::chrono::hours(24 * 365);
  auto left = clock.now() + kFar < deadline ? RealClock::duration(kFar) : deadline - clock.now();
  auto until = RealClock::now() + left;
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0)
      return systemError(ErrorDomain::Qemu, errno, "failed to create socket");
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
      return fd.release();
    int err = errno;
    if (err == EINTR)
      continue;
    bool missing = err == ENOENT;
    // Refused: bound but not listening yet, or a stale file. EAGAIN: a full backlog.
    bool notReady = err == ECONNREFUSED || err == EAGAIN;
    if (!missing && !notReady)
      return systemError(ErrorDomain::Qemu, err, "failed to connect to monitor socket");

    auto now = RealClock::now();
    if (now >= until || clock.now() >= deadline)
      return systemError(ErrorDomain::Qemu, err, "monitor socket did not show up");
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(until - now);
    if (notReady) {
      wait = std::min(wait, backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(32));
    }
    pollfd fds[2] = {{inotify.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
    int n = ::poll(fds, pidfd.get() >= 0 ? 2 : 1,
                   static_cast<int>(std::min<long long>(wait.count(), INT_MAX)));
    if (n < 0 && errno != EINTR)
      return systemError(ErrorDomain::Qemu, errno, "Unable to wait for the monitor socket");
    if (n > 0 && pidfd.get() >= 0 && fds[1].revents != 0)
      return processExited();
    if (n > 0 && fds[0].revents != 0)
      drain(inotify.get());
  }
}

}  // namespace virtus::qemu
