// Runs a blocking call (librados, librbd) on a worker thread and gives up waiting for it at
// a deadline, so that a stuck cluster never wedges the thread that asked. The deadline
// counts from the start or from the call's last Heartbeat::beat(): a long operation that
// makes progress (a refresh of thousands of images, a wipe) beats after each step and is
// only abandoned when a single step stalls.
//
// An abandoned call keeps running on its (detached) worker until the library returns; its
// result is dropped. So the callable must own everything it touches: capture by value
// (shared_ptrs to connections, copies of names), never references to the caller's stack.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace virtus::storage::rbd {

class Heartbeat {
 public:
  virtual ~Heartbeat() = default;
  // Progress: restarts the deadline.
  virtual void beat() = 0;
  // True once the caller gave up: the call may stop early (its result is dropped anyway).
  virtual bool abandoned() const = 0;
};

class Watchdog {
 public:
  explicit Watchdog(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  std::chrono::milliseconds timeout() const { return timeout_; }

  // fn's result, or VIR_ERR_OPERATION_TIMEOUT "operation '<what>' on storage pool '<pool>'
  // timed out after N ms" when it neither finished nor beat within the timeout.
  template <class T>
  Result<T> run(const std::string& pool, const std::string& what,
                std::function<Result<T>(Heartbeat&)> fn) const {
    auto slot = std::make_shared<std::optional<Result<T>>>();
    bool done =
        runErased(pool, what, [slot, fn = std::move(fn)](Heartbeat& hb) { slot->emplace(fn(hb)); });
    if (!done)
      return timeoutError(pool, what);
    return std::move(**slot);
  }

  Error timeoutError(const std::string& pool, const std::string& what) const;

 private:
  // False when the caller gave up; true once fn returned (its effects are then visible).
  bool runErased(const std::string& pool, const std::string& what,
                 std::function<void(Heartbeat&)> fn) const;

  std::chrono::milliseconds timeout_;
};

}  // namespace virtus::storage::rbd
