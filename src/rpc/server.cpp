#include "rpc/server.h"

#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include <asio/io_context.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include "rpc/dispatcher.h"
#include "rpc/frame_decoder.h"
#include "rpc/remote_error.h"

namespace virtus::rpc {

namespace {

using Socket = asio::local::stream_protocol::socket;
using Acceptor = asio::local::stream_protocol::acceptor;
using Clock = std::chrono::steady_clock;

// A connection's read buffer starts small (most calls are a few hundred bytes), doubles
// while reads fill it (streams, big definitions) up to the maximum, and drops back to the
// minimum once reads are small again between frames: an idle connection holds 4 KiB, not 64.
constexpr std::size_t kReadBufferMin = 4096;
constexpr std::size_t kReadBufferMax = 65536;

std::string errorFrame(const MessageHeader& call, const Error& error) {
  MessageHeader reply = call;
  reply.type = MessageType::Reply;
  reply.status = MessageStatus::Error;
  return encodeFrame(reply, xdrEncodeToString(toRemoteError(error)));
}

std::string keepaliveFrame(std::int32_t procedure) {
  MessageHeader h;
  h.program = kKeepaliveProgram;
  h.version = kKeepaliveVersion;
  h.procedure = procedure;
  h.type = MessageType::Message;
  return encodeFrame(h, {});
}

// A fixed set of threads for slow calls. Tasks queued at stop() still run: a call that
// was accepted gets its reply.
class WorkerPool {
 public:
  explicit WorkerPool(unsigned count) {
    for (unsigned i = 0; i < std::max(1u, count); ++i)
      threads_.emplace_back([this] { work(); });
  }
  ~WorkerPool() { join(); }

  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

  void join() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
      if (t.joinable())
        t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty())
          return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace

struct ServerShared;

// One client connection. Reads and keepalive run on the I/O thread; send() may be called
// from any thread.
class ServerConnection final : public ClientChannel,
                               public std::enable_shared_from_this<ServerConnection> {
 public:
  ServerConnection(ServerShared& shared, Socket socket, bool readOnly)
      : shared_(shared), socket_(std::move(socket)), readOnly_(readOnly) {}

  void start(std::shared_ptr<Session> session);

  // ClientChannel
  void send(std::string frame) override;
  bool readOnly() const override { return readOnly_; }
  void close() override;
  void pauseReading() override;
  void resumeReading() override;
  bool waitQueueBelow(std::size_t bytes) override;

  // I/O thread only.
  void tick(Clock::time_point now);
  void beginDrain();
  void forceClose();

 private:
  void readMore();
  void onRead(std::size_t n);
  void resizeReadBuffer(std::size_t n);
  void handleFrame(std::string body);
  void handleCall(const MessageHeader& header, std::string_view payload);
  void callFinished();
  void flushLocked(std::unique_lock<std::mutex>& lock);
  void onWritten(const std::error_code& ec);
  void shutdown();

  ServerShared& shared_;
  Socket socket_;
  const bool readOnly_;
  std::shared_ptr<Session> session_;
  FrameDecoder decoder_;
  bool bigFrameSeen_ = false;           // the decoder's buffer grew past kReadBufferMax
  std::unique_ptr<char[]> readBuffer_;  // allocated at the first read
  std::size_t readBufferSize_ = 0;

  std::mutex outMutex_;
  std::condition_variable drained_;  // signalled when a write completes or on close
  std::string outQueue_;
  std::string writing_;
  bool writeActive_ = false;
  bool closeAfterWrite_ = false;
  bool closed_ = false;  // guarded by outMutex_

  // I/O thread state.
  bool reading_ = false;
  bool paused_ = false;
  bool draining_ = false;
  std::atomic<int> inflight_{0};
  Clock::time_point lastReceived_ = Clock::now();
  unsigned unansweredPings_ = 0;
};

struct ServerShared {
  ServerOptions options;
  Dispatcher& dispatcher;
  asio::io_context io{1};
  WorkerPool workers;
  std::list<std::weak_ptr<ServerConnection>> connections;  // I/O thread only
  bool stopping = false;                                   // I/O thread only

  ServerShared(ServerOptions o, Dispatcher& d)
      : options(std::move(o)), dispatcher(d), workers(options.workers) {}

  std::size_t liveConnections() {
    connections.remove_if([](const auto& w) { return w.expired(); });
    return connections.size();
  }
};

void ServerConnection::start(std::shared_ptr<Session> session) {
  session_ = std::move(session);
  readMore();
}

void ServerConnection::readMore() {
  if (reading_ || paused_ || !socket_.is_open())
    return;
  reading_ = true;
  if (!readBuffer_) {
    readBuffer_.reset(new char[kReadBufferMin]);
    readBufferSize_ = kReadBufferMin;
  }
  socket_.async_read_some(asio::buffer(readBuffer_.get(), readBufferSize_),
                          [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
                            self->reading_ = false;
                            if (ec) {
                              self->shutdown();
                              return;
                            }
                            self->onRead(n);
                          });
}

void ServerConnection::onRead(std::size_t n) {
  lastReceived_ = Clock::now();
  unansweredPings_ = 0;
  decoder_.feed(std::string_view(readBuffer_.get(), n));
  while (auto frame = decoder_.next()) {
    if (frame->size() > kReadBufferMax)
      bigFrameSeen_ = true;
    handleFrame(std::move(*frame));
    if (!socket_.is_open())
      return;
  }
  if (decoder_.failed()) {
    // The byte stream cannot be resynchronised after a bad length: drop this client only.
    shutdown();
    return;
  }
  resizeReadBuffer(n);
  readMore();
}

// Called between reads (the buffer's bytes are already in the decoder).
void ServerConnection::resizeReadBuffer(std::size_t n) {
  if (n == readBufferSize_ && readBufferSize_ < kReadBufferMax) {
    readBufferSize_ *= 2;
    readBuffer_.reset(new char[readBufferSize_]);
  } else if (n < kReadBufferMin && readBufferSize_ > kReadBufferMin && decoder_.pending() == 0) {
    readBufferSize_ = kReadBufferMin;
    readBuffer_.reset(new char[readBufferSize_]);
  }
  // The decoder keeps the capacity of the biggest frame it assembled (up to 32 MiB); a fresh
  // one gives it back once nothing is pending.
  if (bigFrameSeen_ && decoder_.pending() == 0) {
    decoder_ = FrameDecoder();
    bigFrameSeen_ = false;
  }
}

void ServerConnection::handleFrame(std::string body) {
  MessageHeader header;
  if (!decodeHeader(body, header)) {
    shutdown();
    return;
  }
  std::string_view payload = std::string_view(body).substr(kHeaderSize);

  if (header.program == kKeepaliveProgram) {
    if (header.procedure == kKeepalivePing && header.type == MessageType::Message)
      send(keepaliveFrame(kKeepalivePong));
    return;  // PONG: receiving it already reset the timer
  }
  if (header.program != kRemoteProgram || header.version != kRemoteVersion) {
    if (header.type == MessageType::Call)
      send(errorFrame(header, makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                                        "Cannot find program " + std::to_string(header.program) +
                                            " version " + std::to_string(header.version))));
    return;
  }
  switch (header.type) {
    case MessageType::Call:
      if (header.status != MessageStatus::Ok) {
        send(errorFrame(header,
                        makeError(ErrorCode::Rpc, ErrorDomain::Rpc, "a call must have status OK")));
        return;
      }
      handleCall(header, payload);
      return;
    case MessageType::Stream:
    case MessageType::StreamHole:
      session_->stream(header, payload);
      return;
    case MessageType::CallWithFds:
      send(errorFrame(header, makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                                        "passing file descriptors is not supported")));
      return;
    default:
      // Replies and messages from a client have no meaning here; libvirtd ignores them.
      return;
  }
}

void ServerConnection::handleCall(const MessageHeader& header, std::string_view payload) {
  if (draining_) {
    send(errorFrame(header, makeError(ErrorCode::OperationInvalid, ErrorDomain::Rpc,
                                      "the daemon is shutting down")));
    return;
  }
  CallPolicy policy = shared_.dispatcher.policy(header.procedure);
  if (policy.run == CallPolicy::Run::Unknown) {
    send(errorFrame(header, unknownProcedureError(header.procedure)));
    return;
  }
  if (readOnly_ && !policy.readOnlyOk) {
    send(errorFrame(header, makeError(ErrorCode::OperationDenied, policy.apiDomain,
                                      "read only access prevents " + std::string(policy.api))));
    return;
  }
  if (policy.run == CallPolicy::Run::Inline) {
    session_->call(header, payload);
    return;
  }
  ++inflight_;
  shared_.workers.post(
      [self = shared_from_this(), session = session_, header, args = std::string(payload)] {
        session->call(header, args);
        asio::post(self->shared_.io, [self] { self->callFinished(); });
      });
}

void ServerConnection::callFinished() {
  if (--inflight_ == 0 && draining_)
    close();
}

void ServerConnection::send(std::string frame) {
  std::unique_lock lock(outMutex_);
  if (closed_)
    return;
  if (outQueue_.empty())
    outQueue_ = std::move(frame);  // no copy, and no capacity kept from an earlier frame
  else
    outQueue_ += frame;
  if (writeActive_)
    return;
  writeActive_ = true;
  if (shared_.io.get_executor().running_in_this_thread()) {
    flushLocked(lock);
  } else {
    lock.unlock();
    asio::post(shared_.io, [self = shared_from_this()] {
      std::unique_lock l(self->outMutex_);
      self->flushLocked(l);
    });
  }
}

// Called with writeActive_ set: starts writing what is queued, or clears the flag.
void ServerConnection::flushLocked(std::unique_lock<std::mutex>& lock) {
  if (outQueue_.empty() || closed_) {
    writeActive_ = false;
    bool closeNow = closeAfterWrite_ && !closed_;
    lock.unlock();
    if (closeNow)
      shutdown();
    return;
  }
  writing_.swap(outQueue_);
  outQueue_.clear();
  lock.unlock();
  asio::async_write(
      socket_, asio::buffer(writing_),
      [self = shared_from_this()](const std::error_code& ec, std::size_t) { self->onWritten(ec); });
}

void ServerConnection::onWritten(const std::error_code& ec) {
  if (ec) {
    shutdown();
    return;
  }
  std::unique_lock lock(outMutex_);
  if (writing_.capacity() > kReadBufferMax)
    std::string().swap(writing_);  // give a big reply's memory back
  else
    writing_.clear();
  drained_.notify_all();
  flushLocked(lock);
}

bool ServerConnection::waitQueueBelow(std::size_t bytes) {
  std::unique_lock lock(outMutex_);
  drained_.wait(lock, [&] { return closed_ || outQueue_.size() + writing_.size() < bytes; });
  return !closed_;
}

void ServerConnection::close() {
  std::unique_lock lock(outMutex_);
  if (closed_)
    return;
  closeAfterWrite_ = true;
  if (writeActive_)
    return;  // the writer closes once the queue is empty
  writeActive_ = true;
  lock.unlock();
  asio::post(shared_.io, [self = shared_from_this()] {
    std::unique_lock l(self->outMutex_);
    self->flushLocked(l);
  });
}

void ServerConnection::pauseReading() {
  asio::post(shared_.io, [self = shared_from_this()] { self->paused_ = true; });
}

void ServerConnection::resumeReading() {
  asio::post(shared_.io, [self = shared_from_this()] {
    self->paused_ = false;
    self->readMore();
  });
}

void ServerConnection::shutdown() {
  {
    std::lock_guard lock(outMutex_);
    if (closed_)
      return;
    closed_ = true;
    outQueue_.clear();
  }
  drained_.notify_all();
  std::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (session_) {
    session_->closed();
    session_.reset();  // the session holds this channel: break the cycle
  }
}

void ServerConnection::tick(Clock::time_point now) {
  if (!session_ || !session_->keepaliveEnabled() || shared_.options.keepaliveInterval.count() <= 0)
    return;
  auto idle = now - lastReceived_;
  auto interval = shared_.options.keepaliveInterval;
  if (idle < interval * (unansweredPings_ + 1))
    return;
  if (unansweredPings_ >= shared_.options.keepaliveCount) {
    shutdown();  // the client stopped answering: libvirtd's keepalive timeout
    return;
  }
  ++unansweredPings_;
  send(keepaliveFrame(kKeepalivePing));
}

void ServerConnection::beginDrain() {
  draining_ = true;
  if (inflight_ == 0)
    close();
}

void ServerConnection::forceClose() {
  shutdown();
}

struct Server::Impl {
  ServerShared shared;
  std::vector<std::unique_ptr<Acceptor>> acceptors;
  asio::steady_timer ticker{shared.io};
  asio::steady_timer drainTimer{shared.io};

  Impl(ServerOptions options, Dispatcher& dispatcher) : shared(std::move(options), dispatcher) {
    for (const auto& l : shared.options.listeners) {
      auto acceptor = std::make_unique<Acceptor>(shared.io);
      acceptor->assign(asio::local::stream_protocol(), ::dup(l.fd));
      acceptors.push_back(std::move(acceptor));
    }
  }

  void accept(std::size_t index) {
    acceptors[index]->async_accept([this, index](const std::error_code& ec, Socket socket) {
      if (shared.stopping)
        return;
      if (!ec) {
        if (shared.liveConnections() >= shared.options.maxClients) {
          std::error_code ignored;
          socket.close(ignored);
        } else {
          auto conn = std::make_shared<ServerConnection>(shared, std::move(socket),
                                                         shared.options.listeners[index].readOnly);
          shared.connections.push_back(conn);
          conn->start(shared.dispatcher.openSession(conn));
        }
      }
      accept(index);
    });
  }

  void scheduleTick() {
    ticker.expires_after(std::chrono::seconds(1));
    ticker.async_wait([this](const std::error_code& ec) {
      if (ec || shared.stopping)
        return;
      auto now = Clock::now();
      for (auto& w : shared.connections)
        if (auto c = w.lock())
          c->tick(now);
      shared.liveConnections();
      scheduleTick();
    });
  }

  void beginStop() {
    if (shared.stopping)
      return;
    shared.stopping = true;
    std::error_code ignored;
    for (auto& a : acceptors)
      a->close(ignored);
    ticker.cancel();
    for (auto& w : shared.connections)
      if (auto c = w.lock())
        c->beginDrain();
    drainTimer.expires_after(shared.options.drainTimeout);
    drainTimer.async_wait([this](const std::error_code&) {
      for (auto& w : shared.connections)
        if (auto c = w.lock())
          c->forceClose();
    });
  }
};

Server::Server(ServerOptions options, Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher)) {}

Server::~Server() = default;

void Server::run() {
  for (std::size_t i = 0; i < impl_->acceptors.size(); ++i)
    impl_->accept(i);
  impl_->scheduleTick();
  // Returns once stop() closed the acceptors and every connection has finished; the drain
  // timer is cancelled early when nothing is left.
  auto& io = impl_->shared.io;
  while (!io.stopped()) {
    io.run_one();
    if (impl_->shared.stopping && impl_->shared.liveConnections() == 0) {
      impl_->drainTimer.cancel();
      io.poll();
      break;
    }
  }
  impl_->shared.workers.join();
}

void Server::stop() {
  asio::post(impl_->shared.io, [impl = impl_.get()] { impl->beginStop(); });
}

}  // namespace virtus::rpc
