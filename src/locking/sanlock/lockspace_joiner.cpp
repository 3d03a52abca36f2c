#include "locking/sanlock/lockspace_joiner.h"

#include <errno.h>

#include "locking/sanlock/lease_name.h"
#include "locking/sanlock/sanlock_client.h"

namespace virtus::locking::sanlock {

namespace {
constexpr std::chrono::milliseconds kPollInterval{100};
}

std::string_view lockspaceStateName(LockspaceJoiner::State state) {
  switch (state) {
    case LockspaceJoiner::State::NotStarted:
      return "not started";
    case LockspaceJoiner::State::Joining:
      return "joining";
    case LockspaceJoiner::State::Joined:
      return "joined";
    case LockspaceJoiner::State::Failed:
      return "failed";
  }
  return "unknown";
}

LockspaceJoiner::LockspaceJoiner(os::FileSystem& fs, std::string dir, std::uint64_t hostId,
                                 std::uint32_t ioTimeout, FileOwner owner)
    : fs_(fs),
      dir_(std::move(dir)),
      path_(dir_ + "/" + std::string(kDiskLockspace)),
      hostId_(hostId),
      ioTimeout_(ioTimeout),
      owner_(owner) {}

LockspaceJoiner::~LockspaceJoiner() {
  stop();
}

void LockspaceJoiner::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || state_ != State::NotStarted)
    return;
  state_ = State::Joining;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void LockspaceJoiner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

LockspaceStatus LockspaceJoiner::status() const {
  std::lock_guard lock(mutex_);
  return {std::string(kDiskLockspace), path_, std::string(lockspaceStateName(state_)), reason_};
}

Result<void> LockspaceJoiner::waitJoined(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return state_ != State::Joining; });
  std::string name(kDiskLockspace);
  switch (state_) {
    case State::Joined:
      return ok();
    case State::Joining:
      return makeError(
          ErrorCode::OperationTimeout, ErrorDomain::Locking,
          "the sanlock lockspace '" + name + "' is still being joined after " +
              (timeout.count() % 1000 == 0 ? std::to_string(timeout.count() / 1000) + " s"
                                           : std::to_string(timeout.count()) + " ms") +
              "; sanlock needs some time to join a lockspace, try again later");
    case State::NotStarted:
      return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                       "the sanlock lockspace '" + name +
                           "' has not been joined: the sanlock lock manager was not started");
    case State::Failed:
      break;
  }
  return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                   "the sanlock lockspace '" + name + "' could not be joined: " + reason_);
}

void LockspaceJoiner::setState(State state, std::string reason) {
  {
    std::lock_guard lock(mutex_);
    state_ = state;
    reason_ = std::move(reason);
  }
  changed_.notify_all();
}

bool LockspaceJoiner::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, delay, [&] { return stopping_; });
}

void LockspaceJoiner::run() {
  auto created = ensureDiskLockspace(fs_, dir_, owner_, ioTimeout_);
  if (!created) {
    setState(State::Failed, created.error().message);
    return;
  }
  std::string name(kDiskLockspace);
  int rv = addLockspaceAsync(name, hostId_, path_, ioTimeout_);
  if (rv == -EEXIST) {
    setState(State::Joined);  // joined before (virtusd restarted)
    return;
  }
  if (rv < 0 && rv != -EINPROGRESS) {
    setState(State::Failed, sanlockError("Unable to add lockspace " + path_, rv).message);
    return;
  }
  while (pause(kPollInterval)) {
    rv = inquireLockspace(name, hostId_, path_);
    if (rv == 0) {
      setState(State::Joined);
      return;
    }
    if (rv == -EINPROGRESS)
      continue;
    if (rv == -ENOENT) {
      setState(State::Failed, "sanlock did not join it with host id " + std::to_string(hostId_) +
                                  " (is that host id in use by another host? see sanlock's log)");
    } else {
      setState(State::Failed, sanlockError("Unable to inquire lockspace " + path_, rv).message);
    }
    return;
  }
}

}  // namespace virtus::locking::sanlock
