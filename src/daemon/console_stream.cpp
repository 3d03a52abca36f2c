#include "daemon/console_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "rpc/remote_error.h"
#include "rpc/xdr_codec.h"

namespace virtus::daemon {

namespace {

// Client bytes waiting for the guest: reading the client pauses above this.
constexpr std::size_t kToGuestLimit = 1u << 20;
// What waits for the client before the pump stops reading the guest.
constexpr std::size_t kToClientLimit = 1u << 20;
constexpr std::size_t kReadChunk = 64u << 10;
// A forced open elsewhere replaces the descriptor under a running poll; the pump looks again
// this often.
constexpr int kPollIntervalMs = 200;

}  // namespace

ConsoleStream::ConsoleStream(rpc::ClientChannel& channel, const rpc::MessageHeader& call, int fd)
    : channel_(channel), call_(call), fd_(fd), wakeFd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

ConsoleStream::~ConsoleStream() {
  abort();
  if (thread_.joinable()) {
    // The pump holds this object until its last step: here it is that last step, or done.
    if (thread_.get_id() == std::this_thread::get_id())
      thread_.detach();
    else
      thread_.join();
  }
  if (fd_ >= 0)
    ::close(fd_);
  if (wakeFd_ >= 0)
    ::close(wakeFd_);
}

void ConsoleStream::start(std::shared_ptr<void> keepAlive, std::function<void()> forget) {
  thread_ = std::thread([self = shared_from_this(), keepAlive = std::move(keepAlive),
                         forget = std::move(forget)]() mutable {
    if (self->pump() && forget)
      forget();
    forget = nullptr;
    keepAlive.reset();
    self.reset();  // maybe the last reference: the destructor then detaches this thread
  });
}

void ConsoleStream::wake() {
  std::uint64_t one = 1;
  (void)!::write(wakeFd_, &one, sizeof one);
}

void ConsoleStream::release() {
  // With mutex_. The console is free for the next session at once, whatever the pump is
  // doing: /dev/null takes the descriptor's place (the pump sees it end on its next look).
  if (released_ || fd_ < 0)
    return;
  released_ = true;
  // A socket is shut down at once even while the pump's poll still holds a reference to it
  // (the dup3 alone frees it only when that poll returns); on a pty this does nothing.
  (void)::shutdown(fd_, SHUT_RDWR);
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    (void)::dup3(null, fd_, O_CLOEXEC);
    ::close(null);
  }
}

bool ConsoleStream::onFrame(const rpc::MessageHeader& header, std::string_view payload) {
  if (header.status != rpc::MessageStatus::Continue) {
    // The client's finish or abort: confirmed with an empty OK, as for downloads.
    {
      std::lock_guard lock(mutex_);
      ending_ = true;
      release();
    }
    wake();
    channel_.send(rpc::encodeFrame(
        streamHeader(call_, rpc::MessageType::Stream, rpc::MessageStatus::Ok), {}));
    return true;
  }
  if (header.type != rpc::MessageType::Stream || payload.empty())
    return false;  // holes mean nothing on a console
  {
    std::lock_guard lock(mutex_);
    if (ending_ || stopped_)
      return false;
    toGuest_.append(payload);
    if (!paused_ && toGuest_.size() > kToGuestLimit) {
      paused_ = true;
      channel_.pauseReading();
    }
  }
  wake();
  return false;
}

void ConsoleStream::abort() {
  {
    std::lock_guard lock(mutex_);
    ending_ = true;
    release();
  }
  if (wakeFd_ >= 0)
    wake();
}

bool ConsoleStream::waitStopped(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return stoppedCv_.wait_for(lock, timeout, [&] { return stopped_; });
}

void ConsoleStream::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  toGuest_.clear();
  if (paused_) {
    paused_ = false;
    channel_.resumeReading();
  }
  stoppedCv_.notify_all();
}

ConsoleStream::Side ConsoleStream::readSide() {
  std::string buf(kReadChunk, '\0');
  const ssize_t n = ::read(fd_, buf.data(), buf.size());
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return Side::Open;
  if (n > 0) {
    if (!channel_.waitQueueBelow(kToClientLimit))
      return Side::Failed;  // the connection closed
    buf.resize(static_cast<std::size_t>(n));
    channel_.send(rpc::encodeFrame(
        streamHeader(call_, rpc::MessageType::Stream, rpc::MessageStatus::Continue), buf));
    return Side::Open;
  }
  // End of file, or EIO: the pty's other side (QEMU) is gone. The end of the data; the
  // client answers with its finish.
  if (n == 0 || errno == EIO) {
    {
      std::lock_guard lock(mutex_);
      if (ending_)
        return Side::Ended;  // our own release: the client already had its last word
    }
    channel_.send(rpc::encodeFrame(
        streamHeader(call_, rpc::MessageType::Stream, rpc::MessageStatus::Continue), {}));
    return Side::Ended;
  }
  const Error e = makeError(ErrorCode::SystemError, ErrorDomain::Streams,
                            std::string("cannot read from the console: ") + std::strerror(errno));
  channel_.send(
      rpc::encodeFrame(streamHeader(call_, rpc::MessageType::Stream, rpc::MessageStatus::Error),
                       rpc::xdrEncodeToString(rpc::toRemoteError(e))));
  return Side::Failed;
}

bool ConsoleStream::writeSide() {
  std::unique_lock lock(mutex_);
  if (toGuest_.empty())
    return true;
  const ssize_t n = ::write(fd_, toGuest_.data(), toGuest_.size());
  if (n < 0)
    return errno == EAGAIN || errno == EINTR;  // EIO: the guest side is gone
  toGuest_.erase(0, static_cast<std::size_t>(n));
  if (paused_ && toGuest_.size() < kToGuestLimit / 2) {
    paused_ = false;
    channel_.resumeReading();
  }
  return true;
}

bool ConsoleStream::pump() {
  Side side = Side::Open;
  while (side == Side::Open) {
    bool pending;
    {
      std::lock_guard lock(mutex_);
      if (ending_)
        break;
      pending = !toGuest_.empty();
    }
    // Bounded: a descriptor replaced under the poll (a forced open elsewhere) shows on the
    // next one.
    pollfd fds[2] = {{fd_, static_cast<short>(POLLIN | (pending ? POLLOUT : 0)), 0},
                     {wakeFd_, POLLIN, 0}};
    if (::poll(fds, 2, kPollIntervalMs) < 0 && errno != EINTR)
      break;
    if (fds[1].revents & POLLIN) {
      std::uint64_t count = 0;
      (void)!::read(wakeFd_, &count, sizeof count);
    }
    // A failed write, or a hung-up pty: the read tells how the guest side ended (EIO: the
    // end of the data).
    const bool written = !(fds[0].revents & POLLOUT) || writeSide();
    if (!written || (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
      side = readSide();
  }
  stop();
  return side == Side::Failed;
}

}  // namespace virtus::daemon
