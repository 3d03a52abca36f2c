#include "os/signal_waiter.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace virtus::os {

namespace {

sigset_t daemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

Result<SignalWaiter> SignalWaiter::create() {
  SignalWaiter waiter;
  sigset_t set = daemonSignals();
  if (int rc = ::pthread_sigmask(SIG_BLOCK, &set, &waiter.oldMask_); rc != 0)
    return systemError(ErrorDomain::None, rc, "cannot block signals");
  waiter.restoreMask_ = true;
  waiter.signalFd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
  if (waiter.signalFd_ < 0)
    return systemError(ErrorDomain::None, errno, "cannot create signalfd");
  waiter.wakeFd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (waiter.wakeFd_ < 0)
    return systemError(ErrorDomain::None, errno, "cannot create eventfd");
  return waiter;
}

SignalWaiter::SignalWaiter(SignalWaiter&& other) noexcept
    : signalFd_(other.signalFd_),
      wakeFd_(other.wakeFd_),
      oldMask_(other.oldMask_),
      restoreMask_(other.restoreMask_) {
  other.signalFd_ = -1;
  other.wakeFd_ = -1;
  other.restoreMask_ = false;
}

SignalWaiter::~SignalWaiter() {
  drainPending();
  if (signalFd_ >= 0)
    ::close(signalFd_);
  if (wakeFd_ >= 0)
    ::close(wakeFd_);
  if (restoreMask_)
    ::pthread_sigmask(SIG_SETMASK, &oldMask_, nullptr);
}

void SignalWaiter::drainPending() {
  if (signalFd_ < 0)
    return;
  // Unblocking with a signal pending would deliver it with its default action (exit).
  sigset_t set = daemonSignals();
  timespec zero = {};
  while (::sigtimedwait(&set, nullptr, &zero) > 0) {
  }
}

Result<std::optional<DaemonSignal>> SignalWaiter::wait(int* signo) {
  for (;;) {
    pollfd fds[2] = {{signalFd_, POLLIN, 0}, {wakeFd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return systemError(ErrorDomain::None, errno, "cannot wait for signals");
    }
    if (fds[1].revents & POLLIN)
      return std::optional<DaemonSignal>();
    if (!(fds[0].revents & POLLIN))
      continue;
    signalfd_siginfo info = {};
    ssize_t n = ::read(signalFd_, &info, sizeof info);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return systemError(ErrorDomain::None, errno, "cannot read signalfd");
    }
    if (n != static_cast<ssize_t>(sizeof info))
      continue;
    if (signo)
      *signo = static_cast<int>(info.ssi_signo);
    if (info.ssi_signo == SIGHUP)
      return std::optional<DaemonSignal>(DaemonSignal::Reload);
    return std::optional<DaemonSignal>(DaemonSignal::Stop);
  }
}

void SignalWaiter::interrupt() {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
}

}  // namespace virtus::os
