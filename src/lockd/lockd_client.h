// The client side of virtus-lockd (the lockd lock driver links it): one connection to the
// daemon, a request and its reply at a time, each bounded in time. Errors the daemon sends
// come back as Error{code, domain, message} unchanged.
//
// Protocol (lockd_protocol.h): one JSON object per line each way.
//   acquire   {"op":"acquire","owner":{"uuid","name","id","pid"},"resources":[{"lockspace",
//              "name","shared","autocreate","display"}]}    all or nothing
//   setpid    {"op":"setpid","uuid","pid"}
//   release   {"op":"release","uuid","resources":[{"lockspace","name"}]}   [] = all
//   list      -> {"ok":true,"host","locks":[{lockspace,name,display,file,shared,domain,uuid,
//                 pid,since}]}
//   status    -> {"ok":true,"pid","host","started","generation"}
//   subscribe -> {"ok":true} then {"event":"lost","uuid","domain","resource","reason"} lines
//   errors    -> {"ok":false,"code":N,"domain":N,"message":"..."}
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "lockd/line_buffer.h"
#include "lockd/lockd_types.h"

namespace virtus::lockd {

struct LockdLaunch;

class LockdClient {
 public:
  // Each request waits this long for its reply unless setRequestTimeout says otherwise.
  static constexpr std::chrono::milliseconds kDefaultRequestTimeout{10000};

  // VIR_ERR_OPERATION_FAILED "Failed to connect to virtus-lockd at 'PATH': reason".
  static Result<LockdClient> connect(const std::string& socketPath,
                                     std::chrono::milliseconds timeout);

  LockdClient(LockdClient&& other) noexcept;
  LockdClient& operator=(LockdClient&& other) noexcept;
  LockdClient(const LockdClient&) = delete;
  LockdClient& operator=(const LockdClient&) = delete;
  ~LockdClient();

  void setRequestTimeout(std::chrono::milliseconds timeout) { requestTimeout_ = timeout; }

  Result<void> acquire(const LockdOwnerSpec& owner,
                       const std::vector<LockdResourceSpec>& resources);
  Result<void> setPid(const std::string& uuid, pid_t pid);
  // Only lockspace and name of each resource count; empty: all of the owner's locks.
  Result<void> release(const std::string& uuid, const std::vector<LockdResourceSpec>& resources);
  Result<std::vector<LockdHeld>> list();
  Result<LockdStatus> status();

  // Turns this connection into an event stream; then nextEvent() waits up to `timeout`
  // (nullopt on timeout; an error when the daemon closed the connection).
  Result<void> subscribe();
  Result<std::optional<LockdEvent>> nextEvent(std::chrono::milliseconds timeout);

  int fd() const { return fd_; }  // for poll()
  const std::string& socketPath() const { return socketPath_; }

  // Sends `line` as is and returns the reply line: for tests of the daemon's protocol
  // handling (malformed requests).
  Result<std::string> rawRequest(const std::string& line);

 private:
  friend Result<LockdClient> connectOrStart(const LockdLaunch& launch,
                                            std::chrono::milliseconds timeout);
  LockdClient(int fd, std::string socketPath);
  Result<std::string> roundTrip(const std::string& line);
  // A line before `deadline`: nullopt when the deadline passed first.
  Result<std::optional<std::string>> readLine(std::chrono::steady_clock::time_point deadline);
  Result<void> sendAll(const std::string& data, std::chrono::steady_clock::time_point deadline);
  Error failure(std::string what) const;
  void closeFd();

  int fd_ = -1;
  std::string socketPath_;
  LineBuffer buffer_;
  std::chrono::milliseconds requestTimeout_ = kDefaultRequestTimeout;
};

// How to start virtus-lockd when it is not running; empty fields take the daemon's defaults
// (binary: "virtus-lockd" looked up on PATH).
struct LockdLaunch {
  std::string binary;
  std::string socketPath;
  std::string pidFile;
  std::string root;
  std::string host;
};

// The socket a launch connects to: socketPath, else the default under root.
std::string lockdSocketPath(const LockdLaunch& launch);

// Connects; when nothing answers (ENOENT/ECONNREFUSED), starts `binary --daemon ...` (detached:
// its own session, so it outlives the caller) and connects again, all within `timeout`.
// Error naming the binary and socket when it cannot.
Result<LockdClient> connectOrStart(const LockdLaunch& launch, std::chrono::milliseconds timeout);

}  // namespace virtus::lockd
