// What the protocol server needs from the layer above it: a Session per client that
// answers calls and consumes stream data, and a policy per procedure saying whether the
// call may run on the I/O thread and whether a read-only client may make it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "rpc/message.h"

namespace virtus::rpc {

// The server's end of one client connection, as a Session sees it. Thread-safe.
class ClientChannel {
 public:
  virtual ~ClientChannel() = default;
  // Queues a whole frame (see encodeFrame) for the client; frames leave in queue order.
  // Dropped silently once the connection is closed.
  virtual void send(std::string frame) = 0;
  virtual bool readOnly() const = 0;
  // Closes the connection once the queued frames are written.
  virtual void close() = 0;
  // Flow control for uploads: the server stops reading the socket while paused.
  virtual void pauseReading() = 0;
  virtual void resumeReading() = 0;
  // Blocks (a worker, never the I/O thread) until fewer than `bytes` wait to be written or
  // the connection is closed; false once closed. Bounds memory for downloads.
  virtual bool waitQueueBelow(std::size_t bytes) = 0;
};

struct CallPolicy {
  enum class Run { Unknown, Inline, Worker };
  Run run = Run::Unknown;
  bool readOnlyOk = false;
  std::string_view api;  // the public API function, for the read-only refusal
  // libvirt reports the refusal from the API's own module (storage, secret, …).
  ErrorDomain apiDomain = ErrorDomain::None;
};

class Session {
 public:
  virtual ~Session() = default;
  // A CALL that policy() allowed. Must send exactly one REPLY with the call's serial,
  // from this thread or later from another.
  virtual void call(const MessageHeader& header, std::string_view payload) = 0;
  // A STREAM or STREAM_HOLE frame from the client (upload data, or an abort).
  virtual void stream(const MessageHeader& header, std::string_view payload) = 0;
  // Whether the client asked for keepalive (then the server pings it when idle).
  virtual bool keepaliveEnabled() const = 0;
  // The connection is gone: abort streams, drop event registrations.
  virtual void closed() = 0;
};

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  virtual std::shared_ptr<Session> openSession(std::shared_ptr<ClientChannel> channel) = 0;
  virtual CallPolicy policy(std::int32_t procedure) const = 0;
};

}  // namespace virtus::rpc
