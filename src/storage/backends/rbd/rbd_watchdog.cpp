#include "storage/backends/rbd/rbd_watchdog.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace virtus::storage::rbd {

namespace {

// Shared by the caller and the worker; lives as long as either needs it.
class CallState final : public Heartbeat {
 public:
  void beat() override {
    std::lock_guard lock(mutex_);
    lastBeat_ = std::chrono::steady_clock::now();
  }
  bool abandoned() const override {
    std::lock_guard lock(mutex_);
    return abandoned_;
  }
  void finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
  }
  // True when finished; false (and marked abandoned) when no beat came within `timeout`.
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (done_)
        return true;
      auto deadline = lastBeat_ + timeout;
      if (std::chrono::steady_clock::now() >= deadline) {
        abandoned_ = true;
        return false;
      }
      cv_.wait_until(lock, deadline);
    }
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::chrono::steady_clock::time_point lastBeat_ = std::chrono::steady_clock::now();
  bool done_ = false;
  bool abandoned_ = false;
};

}  // namespace

Error Watchdog::timeoutError(const std::string& pool, const std::string& what) const {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::Storage,
                   "operation '" + what + "' on storage pool '" + pool + "' timed out after " +
                       std::to_string(timeout_.count()) + " ms: the Ceph cluster did not answer");
}

bool Watchdog::runErased(const std::string&, const std::string&,
                         std::function<void(Heartbeat&)> fn) const {
  auto state = std::make_shared<CallState>();
  std::thread worker([state, fn = std::move(fn)]() mutable {
    fn(*state);
    // Drop what the call owns (a connection, maybe) on this thread, before saying done.
    fn = nullptr;
    state->finish();
  });
  worker.detach();
  return state->wait(timeout_);
}

}  // namespace virtus::storage::rbd
