// The console pump over a socketpair standing in for the guest's pty: bytes both ways,
// the end of the guest side, the client's finish and abort, a forced open that replaces
// the descriptor, and a closed connection.
#include "daemon/console_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "rpc/remote_error.h"
#include "rpc/xdr_codec.h"

namespace virtus::daemon {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kBound{5000};

struct Frame {
  rpc::MessageHeader header;
  std::string payload;
};

class WaitingChannel final : public rpc::ClientChannel {
 public:
  void send(std::string frame) override {
    Frame f;
    EXPECT_TRUE(rpc::decodeHeader(std::string_view(frame).substr(4), f.header));
    f.payload = frame.substr(28);
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(f));
    cv_.notify_all();
  }
  bool readOnly() const override { return false; }
  void close() override {}
  void pauseReading() override {}
  void resumeReading() override {}
  bool waitQueueBelow(std::size_t) override { return !closed_; }

  // The next frame, waiting (bounded) for it.
  std::optional<Frame> next() {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, kBound, [&] { return taken_ < frames_.size(); }))
      return std::nullopt;
    return frames_[taken_++];
  }
  // Data frames until `want` bytes came (or the bound passed).
  std::string collect(std::size_t want) {
    std::string out;
    while (out.size() < want) {
      auto f = next();
      if (!f)
        break;
      EXPECT_EQ(f->header.status, rpc::MessageStatus::Continue);
      out += f->payload;
    }
    return out;
  }
  std::size_t pending() {
    std::lock_guard lock(mutex_);
    return frames_.size() - taken_;
  }
  bool closed_ = false;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Frame> frames_;
  std::size_t taken_ = 0;
};

rpc::MessageHeader callHeader() {
  rpc::MessageHeader h;
  h.procedure = 201;
  h.type = rpc::MessageType::Call;
  h.serial = 42;
  return h;
}

rpc::MessageHeader clientFrame(rpc::MessageStatus status) {
  rpc::MessageHeader h = callHeader();
  h.type = rpc::MessageType::Stream;
  h.status = status;
  return h;
}

// What the guest side reads from `fd` until `want` bytes came (bounded).
std::string readGuest(int fd, std::size_t want) {
  std::string out;
  const auto end = std::chrono::steady_clock::now() + kBound;
  while (out.size() < want && std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0)
      continue;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0)
      break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

class ConsoleStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
    guest_ = sv[0];
    stream_ = std::make_shared<ConsoleStream>(channel_, callHeader(), sv[1]);
    daemonFd_ = sv[1];
  }
  void TearDown() override {
    // The pump holds the stream (and uses the channel) until it stops: as a session's
    // close does, abort, then wait (bounded) for the thread to let go.
    if (stream_) {
      std::weak_ptr<ConsoleStream> weak = stream_;
      stream_->abort();
      EXPECT_TRUE(stream_->waitStopped(kBound));
      stream_.reset();
      const auto end = std::chrono::steady_clock::now() + kBound;
      while (!weak.expired() && std::chrono::steady_clock::now() < end)
        std::this_thread::yield();
      EXPECT_TRUE(weak.expired());
    }
    if (guest_ >= 0)
      ::close(guest_);
  }
  void start() {
    stream_->start(keepAlive_, [this] { ++forgotten_; });
  }

  WaitingChannel channel_;
  std::shared_ptr<int> keepAlive_ = std::make_shared<int>(0);
  std::atomic<int> forgotten_{0};
  std::shared_ptr<ConsoleStream> stream_;
  int guest_ = -1;
  int daemonFd_ = -1;
};

TEST_F(ConsoleStreamTest, GuestBytesReachTheClientAsStreamFramesOfTheCall) {
  start();
  ASSERT_EQ(::write(guest_, "VIRTUS-DISK vda\n", 16), 16);
  auto f = channel_.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->header.procedure, 201);
  EXPECT_EQ(f->header.serial, 42u);
  EXPECT_EQ(f->header.type, rpc::MessageType::Stream);
  EXPECT_EQ(f->header.status, rpc::MessageStatus::Continue);
  std::string got = f->payload;
  got += channel_.collect(16 - got.size());
  EXPECT_EQ(got, "VIRTUS-DISK vda\n");
}

TEST_F(ConsoleStreamTest, ClientBytesReachTheGuestInOrder) {
  start();
  EXPECT_FALSE(stream_->onFrame(clientFrame(rpc::MessageStatus::Continue), "root\r"));
  EXPECT_FALSE(stream_->onFrame(clientFrame(rpc::MessageStatus::Continue), "ls /\r"));
  EXPECT_EQ(readGuest(guest_, 10), "root\rls /\r");
}

TEST_F(ConsoleStreamTest, ABigClientWriteArrivesWhole) {
  start();
  std::string big(300000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  EXPECT_FALSE(stream_->onFrame(clientFrame(rpc::MessageStatus::Continue), big));
  EXPECT_EQ(readGuest(guest_, big.size()), big);
}

TEST_F(ConsoleStreamTest, TheGuestGoingAwayEndsTheDataAndTheClientFinishIsConfirmed) {
  start();
  ASSERT_EQ(::write(guest_, "bye", 3), 3);
  ::close(guest_);
  guest_ = -1;
  EXPECT_EQ(channel_.collect(3), "bye");
  auto end = channel_.next();
  ASSERT_TRUE(end);
  EXPECT_EQ(end->header.status, rpc::MessageStatus::Continue);
  EXPECT_TRUE(end->payload.empty());
  EXPECT_TRUE(stream_->waitStopped(kBound));
  EXPECT_EQ(forgotten_, 0);  // the client's finish still comes to this stream
  EXPECT_TRUE(stream_->onFrame(clientFrame(rpc::MessageStatus::Ok), {}));
  auto ok = channel_.next();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->header.status, rpc::MessageStatus::Ok);
  EXPECT_EQ(ok->header.serial, 42u);
}

TEST_F(ConsoleStreamTest, TheClientAbortStopsThePumpAndIsConfirmed) {
  start();
  EXPECT_TRUE(stream_->onFrame(clientFrame(rpc::MessageStatus::Error), {}));
  EXPECT_TRUE(stream_->waitStopped(kBound));
  auto ok = channel_.next();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->header.status, rpc::MessageStatus::Ok);
  // The console is let go: the guest side's writes find nobody, and nothing more is sent.
  EXPECT_EQ(::send(guest_, "late", 4, MSG_NOSIGNAL), -1);
  EXPECT_EQ(channel_.pending(), 0u);
}

TEST_F(ConsoleStreamTest, TheClientFinishFreesTheConsoleAtOnce) {
  start();
  EXPECT_TRUE(stream_->onFrame(clientFrame(rpc::MessageStatus::Ok), {}));
  // Before the pump thread is asked anything: the guest side sees its peer gone.
  char c;
  EXPECT_EQ(::recv(guest_, &c, 1, MSG_DONTWAIT), 0);
  EXPECT_TRUE(stream_->waitStopped(kBound));
  auto ok = channel_.next();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->header.status, rpc::MessageStatus::Ok);
  EXPECT_EQ(channel_.pending(), 0u);  // no end of data after the client's finish
}

TEST_F(ConsoleStreamTest, AForcedOpenElsewhereEndsTheSessionWithinTheBound) {
  start();
  // What the QEMU driver does to the old session's descriptor on VIR_DOMAIN_CONSOLE_FORCE.
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_GE(null, 0);
  ASSERT_GE(::dup3(null, daemonFd_, O_CLOEXEC), 0);
  ::close(null);
  auto end = channel_.next();
  ASSERT_TRUE(end);
  EXPECT_EQ(end->header.status, rpc::MessageStatus::Continue);
  EXPECT_TRUE(end->payload.empty());
  EXPECT_TRUE(stream_->waitStopped(kBound));
}

TEST_F(ConsoleStreamTest, TheConnectionClosingStopsThePump) {
  start();
  stream_->abort();  // RemoteSession::closed()
  EXPECT_TRUE(stream_->waitStopped(kBound));
  EXPECT_EQ(channel_.pending(), 0u);
}

TEST_F(ConsoleStreamTest, TheStreamOwnsItsDescriptorAndTheThreadLetsGo) {
  start();
  EXPECT_GT(keepAlive_.use_count(), 1);  // the pump keeps the session alive
  TearDown();                            // abort, stop, the thread's references go
  EXPECT_EQ(keepAlive_.use_count(), 1);
  EXPECT_EQ(::fcntl(daemonFd_, F_GETFD), -1);  // closed
  guest_ = -1;
}

}  // namespace
}  // namespace virtus::daemon
