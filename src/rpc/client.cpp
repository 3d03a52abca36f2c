#include "rpc/client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <utility>

#include "rpc/procedure_names.h"
#include "rpc/remote_error.h"

namespace virtus::rpc {

namespace client_detail {

Error decodeFailure(std::string_view api, const char* why) {
  return makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                   "cannot decode the daemon's answer to " + std::string(api) + ": " +
                       (why ? why : "malformed payload"));
}

}  // namespace client_detail

namespace {

std::string procedureLabel(std::int32_t procedure) {
  std::string_view name = remoteProcedureName(procedure);
  return name.empty() ? "procedure " + std::to_string(procedure) : std::string(name);
}

int pollTimeoutMs(std::chrono::steady_clock::time_point deadline) {
  auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0)
    return 0;
  return left.count() > INT_MAX ? INT_MAX : static_cast<int>(left.count());
}

// Waits until the non-blocking connect on `fd` completes or the deadline passes.
Result<void> finishConnect(int fd, const std::string& path,
                           std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, POLLOUT, 0};
    int n = ::poll(&p, 1, pollTimeoutMs(deadline));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return systemError(ErrorDomain::Rpc, errno, "Failed to connect socket to '" + path + "'");
    if (n == 0)
      return makeError(ErrorCode::OperationTimeout, ErrorDomain::Rpc,
                       "timed out connecting to the socket '" + path + "'");
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
      err = errno;
    if (err != 0)
      return systemError(ErrorDomain::Rpc, err, "Failed to connect socket to '" + path + "'");
    return ok();
  }
}

}  // namespace

RpcClient::RpcClient(int fd, ClientOptions options) : fd_(fd), options_(options) {}

RpcClient::~RpcClient() {
  if (fd_ >= 0)
    ::close(fd_);
}

Result<std::unique_ptr<RpcClient>> RpcClient::connectUnix(const std::string& path,
                                                          ClientOptions options) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Rpc,
                     "the socket path '" + path + "' is empty or too long for a unix socket");
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return systemError(ErrorDomain::Rpc, errno, "Failed to create socket");
  auto deadline = Clock::now() + options.connectTimeout;
  for (;;) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
      break;
    int err = errno;
    if (err == EINTR)
      continue;
    if (err == EINPROGRESS) {
      if (auto done = finishConnect(fd, path, deadline); !done) {
        ::close(fd);
        return std::move(done).error();
      }
      break;
    }
    // A full listen backlog: the daemon is busy accepting; try again until the deadline.
    if (err == EAGAIN && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    ::close(fd);
    return systemError(ErrorDomain::Rpc, err, "Failed to connect socket to '" + path + "'");
  }
  return std::unique_ptr<RpcClient>(new RpcClient(fd, options));
}

std::unique_ptr<RpcClient> RpcClient::adoptSocket(int fd, ClientOptions options) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  return std::unique_ptr<RpcClient>(new RpcClient(fd, options));
}

bool RpcClient::connected() const {
  std::lock_guard lock(mutex_);
  return !broken_;
}

void RpcClient::setEventHandler(EventHandler handler) {
  std::lock_guard lock(mutex_);
  events_ = std::move(handler);
}

Error RpcClient::fail(Error error) {
  if (!broken_) {
    broken_ = error;
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  return error;
}

Error RpcClient::brokenError() const {
  return makeError(ErrorCode::InternalError, ErrorDomain::Rpc, "client socket is closed");
}

Result<void> RpcClient::sendFrame(const MessageHeader& header, std::string_view payload) {
  if (broken_)
    return brokenError();
  std::string frame = encodeFrame(header, payload);
  auto deadline = Clock::now() + options_.replyTimeout;
  std::size_t sent = 0;
  while (sent < frame.size()) {
    ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      int r = ::poll(&p, 1, pollTimeoutMs(deadline));
      if (r < 0 && errno != EINTR)
        return fail(systemError(ErrorDomain::Rpc, errno, "Cannot write data"));
      if (r == 0)
        return fail(makeError(ErrorCode::OperationTimeout, ErrorDomain::Rpc,
                              "the daemon did not read a message for " +
                                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                     options_.replyTimeout)
                                                     .count()) +
                                  " seconds"));
      continue;
    }
    return fail(systemError(ErrorDomain::Rpc, n < 0 ? errno : EIO, "Cannot write data"));
  }
  return ok();
}

Result<std::optional<Message>> RpcClient::readMessage(Clock::time_point deadline,
                                                      bool softDeadline) {
  char buffer[65536];
  for (;;) {
    if (auto body = decoder_.next()) {
      Message message;
      decodeHeader(*body, message.header);  // the decoder guarantees a whole header
      message.payload = body->substr(kHeaderSize);
      return std::optional<Message>(std::move(message));
    }
    if (decoder_.failed())
      return fail(
          makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                    std::string("the daemon sent a malformed message: ") + decoder_.failure()));
    if (broken_)
      return brokenError();
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, pollTimeoutMs(deadline));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return fail(systemError(ErrorDomain::Rpc, errno, "Cannot wait for data"));
    }
    if (n == 0) {
      if (softDeadline)
        return std::optional<Message>();
      return fail(makeError(
          ErrorCode::OperationTimeout, ErrorDomain::Rpc,
          "the daemon did not answer within " +
              std::to_string(
                  std::chrono::duration_cast<std::chrono::seconds>(options_.replyTimeout).count()) +
              " seconds"));
    }
    ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        continue;
      return fail(systemError(ErrorDomain::Rpc, errno, "Cannot recv data"));
    }
    if (got == 0)
      return fail(systemError(ErrorDomain::Rpc, EIO, "End of file while reading data"));
    decoder_.feed(std::string_view(buffer, static_cast<std::size_t>(got)));
  }
}

Result<void> RpcClient::handleOther(const Message& message) {
  const MessageHeader& h = message.header;
  if (h.program == kKeepaliveProgram) {
    if (h.procedure == kKeepalivePing && h.type == MessageType::Message) {
      MessageHeader pong;
      pong.program = kKeepaliveProgram;
      pong.version = kKeepaliveVersion;
      pong.procedure = kKeepalivePong;
      pong.type = MessageType::Message;
      return sendFrame(pong, {});
    }
    return ok();  // a PONG: any frame proves the daemon alive
  }
  if (h.program != kRemoteProgram)
    return ok();  // events of programs this client never registered for
  if (h.type == MessageType::Message) {
    if (events_)
      events_(message);
    return ok();
  }
  if (h.type == MessageType::Reply || h.type == MessageType::ReplyWithFds)
    return fail(makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                          "the daemon sent a reply to serial " + std::to_string(h.serial) + " (" +
                              procedureLabel(h.procedure) + ") that no call waits for"));
  // Stream frames of a stream this client already gave up: nothing waits for them.
  return ok();
}

Result<std::optional<Message>> RpcClient::awaitFrame(std::int32_t procedure, std::uint32_t serial,
                                                     std::optional<Clock::duration> wait) {
  auto deadline = Clock::now() + (wait ? *wait : Clock::duration(options_.replyTimeout));
  for (;;) {
    TRY_ASSIGN(std::optional<Message> message, readMessage(deadline, wait.has_value()));
    if (!message)
      return message;
    const MessageHeader& h = message->header;
    bool forCall = h.type == MessageType::Reply || h.type == MessageType::Stream ||
                   h.type == MessageType::StreamHole;
    if (h.program == kRemoteProgram && h.serial == serial && forCall) {
      if (h.procedure != procedure)
        return fail(makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                              "Unexpected message proc " + std::to_string(h.procedure) +
                                  " != " + std::to_string(procedure)));
      return message;
    }
    TRY(handleOther(*message));
  }
}

Result<std::uint32_t> RpcClient::sendCall(std::int32_t procedure, std::string_view args) {
  if (broken_)
    return brokenError();
  MessageHeader h;
  h.procedure = procedure;
  h.type = MessageType::Call;
  h.serial = nextSerial_++;
  TRY(sendFrame(h, args));
  return h.serial;
}

namespace {

Error decodeRemoteError(std::string_view payload, std::int32_t procedure) {
  RemoteError remote;
  const char* why = nullptr;
  if (!xdrDecodeAll(payload, remote, &why))
    return makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                     "cannot decode the daemon's error for " + procedureLabel(procedure) + ": " +
                         (why ? why : "malformed payload"));
  return fromRemoteError(remote);
}

}  // namespace

Result<std::string> RpcClient::awaitReply(std::int32_t procedure, std::uint32_t serial) {
  TRY_ASSIGN(std::optional<Message> message, awaitFrame(procedure, serial));
  const MessageHeader& h = message->header;
  if (h.type != MessageType::Reply)
    return fail(
        makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                  "the daemon sent stream data before its reply to " + procedureLabel(procedure)));
  if (h.status == MessageStatus::Ok)
    return std::move(message->payload);
  if (h.status == MessageStatus::Error)
    return decodeRemoteError(message->payload, procedure);
  return fail(makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                        "the daemon's reply to " + procedureLabel(procedure) +
                            " has the unknown status " +
                            std::to_string(static_cast<int>(h.status))));
}

Result<std::string> RpcClient::callRaw(std::int32_t procedure, std::string_view args) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(std::uint32_t serial, sendCall(procedure, args));
  return awaitReply(procedure, serial);
}

Result<void> RpcClient::processIncoming(std::chrono::milliseconds wait) {
  std::lock_guard lock(mutex_);
  if (broken_)
    return brokenError();
  auto deadline = Clock::now() + wait;
  for (;;) {
    TRY_ASSIGN(std::optional<Message> message, readMessage(deadline, true));
    if (!message)
      return ok();
    TRY(handleOther(*message));
    deadline = Clock::now();  // drain what already arrived, wait no more
  }
}

// --- streams ----------------------------------------------------------------------

namespace {

MessageHeader streamHeader(std::int32_t procedure, std::uint32_t serial, MessageType type,
                           MessageStatus status) {
  MessageHeader h;
  h.procedure = procedure;
  h.type = type;
  h.serial = serial;
  h.status = status;
  return h;
}

}  // namespace

Result<void> RpcClient::finishStream(std::int32_t procedure, std::uint32_t serial) {
  TRY(sendFrame(streamHeader(procedure, serial, MessageType::Stream, MessageStatus::Ok), {}));
  for (;;) {
    TRY_ASSIGN(std::optional<Message> message, awaitFrame(procedure, serial));
    const MessageHeader& h = message->header;
    if (h.type == MessageType::Stream && h.status == MessageStatus::Ok)
      return ok();
    if (h.type == MessageType::Stream && h.status == MessageStatus::Error)
      return decodeRemoteError(message->payload, procedure);
    if (h.type == MessageType::Reply)
      return fail(makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                            "the daemon replied twice to " + procedureLabel(procedure)));
    // Data still in flight when the client finished (an aborted download): drop it.
  }
}

Result<void> RpcClient::abortStream(std::int32_t procedure, std::uint32_t serial, Error cause) {
  // libvirt's virStreamAbort: an ERROR stream frame without payload, which the daemon
  // confirms; the confirmation's content does not matter, the local cause does.
  if (!sendFrame(streamHeader(procedure, serial, MessageType::Stream, MessageStatus::Error), {}))
    return cause;
  for (;;) {
    auto message = awaitFrame(procedure, serial);
    if (!message)
      return cause;
    const MessageHeader& h = (*message)->header;
    if (h.type == MessageType::Stream && h.status != MessageStatus::Continue)
      return cause;
  }
}

Result<void> RpcClient::uploadRaw(std::int32_t procedure, std::string_view args,
                                  const UploadSourceFn& source) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(std::uint32_t serial, sendCall(procedure, args));
  TRY(awaitReply(procedure, serial));
  for (;;) {
    // The daemon may end the stream early (a write failed): look before sending more.
    TRY_ASSIGN(std::optional<Message> early, awaitFrame(procedure, serial, Clock::duration(0)));
    if (early) {
      const MessageHeader& h = early->header;
      if (h.type == MessageType::Stream && h.status == MessageStatus::Error)
        return decodeRemoteError(early->payload, procedure);
      return fail(makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                            "the daemon ended the upload stream of " + procedureLabel(procedure) +
                                " before the data did"));
    }
    Result<UploadPiece> piece = source(kStreamChunkMax);
    if (!piece)
      return abortStream(procedure, serial, std::move(piece).error());
    switch (piece->kind) {
      case UploadPiece::Kind::Data:
        if (!piece->data.empty()) {
          assert(piece->data.size() <= kStreamChunkMax);
          TRY(sendFrame(
              streamHeader(procedure, serial, MessageType::Stream, MessageStatus::Continue),
              piece->data));
        }
        break;
      case UploadPiece::Kind::Hole: {
        StreamHole hole{static_cast<std::int64_t>(piece->holeLength), 0};
        TRY(sendFrame(
            streamHeader(procedure, serial, MessageType::StreamHole, MessageStatus::Continue),
            xdrEncodeToString(hole)));
        break;
      }
      case UploadPiece::Kind::End:
        return finishStream(procedure, serial);
    }
  }
}

Result<void> RpcClient::downloadRaw(std::int32_t procedure, std::string_view args,
                                    const DownloadSink& sink) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(std::uint32_t serial, sendCall(procedure, args));
  TRY(awaitReply(procedure, serial));
  for (;;) {
    TRY_ASSIGN(std::optional<Message> message, awaitFrame(procedure, serial));
    const MessageHeader& h = message->header;
    if (h.type == MessageType::Reply)
      return fail(makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                            "the daemon replied twice to " + procedureLabel(procedure)));
    if (h.status == MessageStatus::Error)
      return decodeRemoteError(message->payload, procedure);
    if (h.type == MessageType::StreamHole) {
      StreamHole hole;
      const char* why = nullptr;
      if (!xdrDecodeAll(message->payload, hole, &why) || hole.length < 0)
        return abortStream(
            procedure, serial,
            makeError(ErrorCode::Rpc, ErrorDomain::Rpc, "the daemon sent a malformed stream hole"));
      Result<void> written =
          sink.hole ? sink.hole(static_cast<std::uint64_t>(hole.length))
                    : Result<void>(makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                                             "the daemon sent a hole in a stream that is "
                                             "not sparse"));
      if (!written)
        return abortStream(procedure, serial, std::move(written).error());
      continue;
    }
    if (h.status == MessageStatus::Ok)
      return ok();  // the daemon finished without an end-of-file frame: nothing to confirm
    if (message->payload.empty())
      return finishStream(procedure, serial);  // end of file
    if (auto written = sink.data(message->payload); !written)
      return abortStream(procedure, serial, std::move(written).error());
  }
}

}  // namespace virtus::rpc
