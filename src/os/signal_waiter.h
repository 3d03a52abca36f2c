// The daemon's signals (SIGTERM, SIGINT: stop; SIGHUP: reload), taken synchronously by one
// thread through a signalfd. They are blocked in the thread that creates the waiter and
// so in every thread it starts afterwards: create it before any other thread exists.
#pragma once

#include <signal.h>

#include <optional>

#include "common/result.h"

namespace virtus::os {

enum class DaemonSignal { Stop, Reload };

class SignalWaiter {
 public:
  static Result<SignalWaiter> create();

  SignalWaiter(SignalWaiter&& other) noexcept;
  SignalWaiter& operator=(SignalWaiter&&) = delete;
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;
  // Discards signals still pending, then restores the creating thread's previous mask.
  ~SignalWaiter();

  // Blocks until a signal arrives or interrupt() is called (then nullopt). `signo`, when
  // given, receives the signal's number.
  Result<std::optional<DaemonSignal>> wait(int* signo = nullptr);

  // Makes a current or later wait() return nullopt. Thread-safe.
  void interrupt();

 private:
  SignalWaiter() = default;
  void drainPending();

  int signalFd_ = -1;
  int wakeFd_ = -1;  // eventfd
  sigset_t oldMask_ = {};
  bool restoreMask_ = false;
};

}  // namespace virtus::os
