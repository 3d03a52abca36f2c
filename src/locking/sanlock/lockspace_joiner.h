// Joining the automatic disk lockspace, in the background: sanlock's join takes tens of
// seconds (the delta lease must be seen unchanged for a while), so the daemon starts at
// once and guests that need the lockspace wait for it, bounded. The thread creates the
// lockspace file when missing, asks sanlock to join asynchronously and polls its state;
// it is stopped (not the lockspace: leases outlive virtusd) when the joiner goes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"
#include "locking/lock_manager.h"
#include "locking/sanlock/lease_files.h"
#include "os/file_system.h"

namespace virtus::locking::sanlock {

class LockspaceJoiner {
 public:
  enum class State { NotStarted, Joining, Joined, Failed };

  LockspaceJoiner(os::FileSystem& fs, std::string dir, std::uint64_t hostId,
                  std::uint32_t ioTimeout, FileOwner owner);
  ~LockspaceJoiner();
  LockspaceJoiner(const LockspaceJoiner&) = delete;
  LockspaceJoiner& operator=(const LockspaceJoiner&) = delete;

  // Starts the thread; returns at once. A second call does nothing.
  void start();
  // Stops the thread (the lockspace stays joined or joining in sanlock).
  void stop();

  LockspaceStatus status() const;
  // Waits up to `timeout` for the join: VIR_ERR_OPERATION_TIMEOUT while still joining,
  // VIR_ERR_OPERATION_FAILED with the reason when it failed or was never started.
  Result<void> waitJoined(std::chrono::milliseconds timeout);

  const std::string& path() const { return path_; }

 private:
  void run();
  void setState(State state, std::string reason = "");
  // Sleeps `delay` unless stopped; false when stopped.
  bool pause(std::chrono::milliseconds delay);

  os::FileSystem& fs_;
  const std::string dir_;
  const std::string path_;
  const std::uint64_t hostId_;
  const std::uint32_t ioTimeout_;
  const FileOwner owner_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  State state_ = State::NotStarted;
  std::string reason_;
  bool stopping_ = false;
  std::thread thread_;
};

std::string_view lockspaceStateName(LockspaceJoiner::State state);

}  // namespace virtus::locking::sanlock
