// A client of QEMU's machine protocol (QMP) over a connected unix stream socket.
//
//   TRY_ASSIGN(int fd, connectQmp(socketPath, deadline, qemuPid));
//   TRY_ASSIGN(auto qmp, QmpClient::open(fd, clock, deadline, options));
//   TRY_ASSIGN(nlohmann::json status, qmp->execute("query-status", deadline));
//
// open() reads QEMU's greeting and negotiates capabilities; execute() sends a command
// tagged with an id and waits for the reply carrying that id, so calls from several
// threads share the monitor safely (QEMU answers them in order; a reply that comes after
// its caller gave up is dropped). A reader thread reads the socket: it wakes the waiting
// callers and hands events to the event handler. When QEMU closes the monitor (it exited
// or crashed) every waiting call fails at once, and so does every later one.
//
// This header keeps nlohmann/json.hpp out: include it (or qmp_event.h) where the values
// are used.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "hypervisor/qemu/qmp_greeting.h"
#include "hypervisor/qemu/qmp_line_buffer.h"

namespace virtus::os {
class Clock;
}

namespace virtus::qemu {

struct QmpEvent;

struct QmpClientOptions {
  // Called on the reader thread for every event, in the order QEMU sent them and before
  // any later reply is handed to its caller. It must not call the client (the reply would
  // wait for the thread that runs the handler): hand work to another thread.
  std::function<void(const QmpEvent&)> onEvent;
  // Called once when the monitor closes or breaks, with the error that the waiting calls
  // get, before they get it: on the reader thread, or on the calling thread when its write
  // broke the stream. The same restriction as for onEvent applies.
  std::function<void(const Error&)> onClose;
  std::size_t maxLineBytes = QmpLineBuffer::kDefaultMaxLine;
};

class QmpClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Takes over `fd` (a connected stream socket; closed by the client, also on failure),
  // waits for QEMU's greeting and leaves the capabilities negotiation mode. `clock` tells
  // whether a deadline passed; it must outlive the client.
  static Result<std::unique_ptr<QmpClient>> open(int fd, const os::Clock& clock, Deadline deadline,
                                                 QmpClientOptions options = {});

  // Stops the reader thread and closes the socket. No call may be running.
  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  // Runs `command` with `arguments` (a JSON object) and returns its "return" value. An
  // error reply is INTERNAL_ERROR "unable to execute QEMU command '<command>': <desc>";
  // no reply by `deadline` is OPERATION_TIMEOUT; a closed monitor is INTERNAL_ERROR "End
  // of file from qemu monitor".
  Result<nlohmann::json> execute(std::string_view command, const nlohmann::json& arguments,
                                 Deadline deadline);
  Result<nlohmann::json> execute(std::string_view command, Deadline deadline);

  const QmpGreeting& greeting() const { return greeting_; }

  // True once QEMU closed the monitor or the stream broke.
  bool closed() const;
  // Waits until the monitor closes (after `quit`, or QEMU's death): ok() then, or
  // OPERATION_TIMEOUT at `deadline`.
  Result<void> waitClosed(Deadline deadline);

 private:
  struct Pending;  // a call waiting for its reply (qmp_client.cpp)

  QmpClient(int fd, int wakeFd, const os::Clock& clock, QmpClientOptions options);

  Result<void> negotiate(Deadline deadline);
  Result<nlohmann::json> run(std::string_view command, const nlohmann::json* arguments,
                             Deadline deadline);
  Result<void> writeLine(const std::string& line, std::chrono::steady_clock::time_point until,
                         std::string_view command);
  // The real time at which `deadline` of the injected clock passes.
  std::chrono::steady_clock::time_point realDeadline(Deadline deadline) const;

  void readerLoop();
  // Handles one line; an error breaks the connection.
  Result<void> handleLine(std::string_view line);
  // Marks the monitor closed with `error`, fails every waiting call, runs onClose.
  void closeWith(Error error);
  Error closedError() const;

  int fd_;
  int wakeFd_;  // an eventfd that stops the reader thread
  const os::Clock& clock_;
  QmpClientOptions options_;
  QmpLineBuffer lines_;
  QmpGreeting greeting_;  // written by the reader before greeted_, read after it

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool greeted_ = false;
  bool negotiated_ = false;
  std::optional<Error> closed_;
  std::uint64_t nextId_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Pending>> pending_;

  std::mutex writeMutex_;  // one command line at a time on the socket
  std::thread reader_;
};

}  // namespace virtus::qemu
