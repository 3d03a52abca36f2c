// One libiscsi session (a normal session to a target, or a SendTargets discovery session),
// driven through libiscsi's asynchronous API by our own poll loop so that every exchange
// (TCP connect, login, each SCSI command, logout) ends by a deadline: an exchange that does
// not complete in time fails with VIR_ERR_OPERATION_TIMEOUT and the connection is torn down.
//
// Not thread-safe (libiscsi contexts are not): one thread at a time, which the backend
// ensures with a mutex per pool session.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct iscsi_context;
struct scsi_task;

namespace virtus::os {
class Clock;
}  // namespace virtus::os

namespace virtus::storage::iscsi_direct {

struct IscsiLogin {
  std::string portal;        // "host:port" or "[v6]:port"
  std::string initiatorIqn;  // our name
  std::string targetIqn;     // empty: a discovery session
  std::string user;          // CHAP user; empty: no authentication
  std::string password;      // CHAP secret; never logged or put in a message
};

struct LunCapacity {
  std::uint32_t blockSize = 0;
  std::uint64_t blocks = 0;  // READ CAPACITY(16)'s last LBA + 1
  std::uint64_t bytes() const { return blocks * blockSize; }
};

class IscsiConnection {
 public:
  // Connects and logs in; each of the two exchanges is bounded by `timeout`. Errors:
  // VIR_ERR_OPERATION_TIMEOUT, VIR_ERR_AUTH_FAILED (the target refused the credentials, or
  // wanted some), VIR_ERR_INTERNAL_ERROR otherwise.
  static Result<std::unique_ptr<IscsiConnection>> open(const IscsiLogin& login,
                                                       std::chrono::milliseconds timeout,
                                                       const os::Clock& clock);
  ~IscsiConnection();
  IscsiConnection(const IscsiConnection&) = delete;
  IscsiConnection& operator=(const IscsiConnection&) = delete;

  // False once an exchange timed out or the transport failed: the context is gone and the
  // connection must be opened again.
  bool usable() const;
  const IscsiLogin& login() const { return login_; }

  // SendTargets: the target names the portal lists (discovery sessions).
  Result<std::vector<std::string>> discoverTargets();
  // REPORT LUNS.
  Result<std::vector<unsigned>> reportLuns();
  // TEST UNIT READY (until no UNIT ATTENTION is left, as every command here).
  Result<void> testUnitReady(unsigned lun);
  // INQUIRY: the peripheral device type (0 for a disk).
  Result<int> deviceType(unsigned lun);
  // READ CAPACITY(16).
  Result<LunCapacity> readCapacity16(unsigned lun);
  // WRITE(16) of `data` (a whole number of blocks) at `lba`.
  Result<void> write16(unsigned lun, std::uint64_t lba, std::span<const unsigned char> data,
                       std::uint32_t blockSize);
  // Logs out (bounded); the connection is unusable afterwards whatever the outcome.
  Result<void> logout();

 private:
  struct Pending;
  IscsiConnection(IscsiLogin login, std::chrono::milliseconds timeout, const os::Clock& clock);

  // Runs the event loop until `pending` completes or the deadline passes. `what` names the
  // exchange in messages ("the login"). On a timeout or a transport failure the context is
  // destroyed before returning (which cancels the callback into `pending`).
  Result<void> wait(Pending& pending, std::string_view what);
  // Sends a SCSI command (`start` queues it, returning null when it cannot) and waits for
  // it; sends it again while the unit answers with a UNIT ATTENTION (as after libiscsi
  // reconnected a dropped session), then requires GOOD. The completed task is in the result.
  using StartFn = std::function<scsi_task*(iscsi_context*, void* pending)>;
  Result<std::unique_ptr<Pending>> command(std::string_view what, const StartFn& start);
  // The completed command's status: ok for GOOD, else an error naming `what`.
  Result<void> checkStatus(const Pending& pending, std::string_view what);
  // A SCSI command that could not be queued.
  Error notQueued(std::string_view what) const;
  static void onDone(iscsi_context* ctx, int status, void* data, void* pending);
  void destroy();
  std::string where() const;

  IscsiLogin login_;
  std::chrono::milliseconds timeout_;
  const os::Clock& clock_;
  iscsi_context* ctx_ = nullptr;
  // The connect callback may run again when the connection drops later: its state lives as
  // long as the context.
  std::unique_ptr<Pending> connectState_;
};

}  // namespace virtus::storage::iscsi_direct
