// DOMAIN_OPEN_CONSOLE through the dispatcher: the driver's descriptor (a socketpair here)
// behind the call's OK reply and a stream of the call's serial, both ways; the driver's
// errors in the reply; NO_SUPPORT from a driver without consoles; not on read-only links.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <vector>

#include "daemon/dispatch_host_info.h"
#include "daemon/remote_dispatch.h"
#include "hypervisor/test/test_domain_driver.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/remote_error.h"

namespace virtus::daemon {
namespace {

using namespace rpc::remote;
constexpr std::chrono::milliseconds kBound{5000};

class NoStorageConnection final : public driver::Connection {
 public:
  driver::StorageDriver& storage() override { std::abort(); }
  driver::SecretDriver& secrets() override { std::abort(); }
  std::string uri() const override { return "virtus:///embed?root=/nonexistent"; }
};

class FixedHost final : public HostInfo {
 public:
  std::string hostname() override { return "host.example"; }
  std::uint64_t hypervisorVersion() override { return 0; }
  NodeInfo nodeInfo() override { return NodeInfo{"x86_64", 1048576, 2, 1000}; }
  std::string capabilities() override { return "<capabilities/>"; }
};

// The in-memory driver with a console: one end of a socketpair, the other the "guest".
class ConsoleDriver final : public testdrv::TestDomainDriver {
 public:
  ~ConsoleDriver() override {
    if (guest >= 0)
      ::close(guest);
  }
  Result<int> openConsole(const driver::DomainHandle& dom, std::string_view devName,
                          unsigned flags) override {
    name = dom.name;
    dev = std::string(devName);
    gotFlags = flags;
    if (refuse)
      return makeError(ErrorCode::OperationFailed, ErrorDomain::Qemu,
                       "Active console session exists for this domain");
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0)
      return makeError(ErrorCode::SystemError, ErrorDomain::Qemu, "socketpair failed");
    guest = sv[0];
    return sv[1];
  }
  bool refuse = false;
  std::string name, dev;
  unsigned gotFlags = 0;
  int guest = -1;
};

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
  bool waitQueueBelow(std::size_t) override { return true; }
  std::optional<Frame> next() {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, kBound, [&] { return taken_ < frames_.size(); }))
      return std::nullopt;
    return frames_[taken_++];
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Frame> frames_;
  std::size_t taken_ = 0;
};

class DispatchConsole : public ::testing::Test {
 protected:
  DispatchConsole() {
    DispatchOptions options;
    options.host = std::make_shared<FixedHost>();
    options.qemuDomains = driver_;
    dispatcher_ = makeRemoteDispatcher(connection_, options);
    session_ = dispatcher_->openSession(channel_);
    call(1, ConnectOpenArgs{std::string("qemu:///system"), 0});
    EXPECT_EQ(channel_->next()->header.status, rpc::MessageStatus::Ok);
    EXPECT_TRUE(
        driver_->defineDomain("<domain type='test'><name>g1</name><memory unit='KiB'>65536</memory>"
                              "<os><type>hvm</type></os></domain>",
                              0));
  }
  ~DispatchConsole() override { session_->closed(); }

  template <typename Args>
  void call(std::int32_t procedure, const Args& args, std::uint32_t serial = 0) {
    rpc::MessageHeader h;
    h.procedure = procedure;
    h.serial = serial ? serial : ++serial_;
    session_->call(h, rpc::xdrEncodeToString(args));
  }
  void openConsole(std::optional<std::string> dev, std::uint32_t flags) {
    auto handle = driver_->lookupDomainByName("g1");
    ASSERT_TRUE(handle);
    call(201, DomainOpenConsoleArgs{Domain{handle->name, handle->uuid, handle->id}, dev, flags},
         77);
  }
  void clientStream(rpc::MessageStatus status, std::string_view payload) {
    rpc::MessageHeader h;
    h.procedure = 201;
    h.serial = 77;
    h.type = rpc::MessageType::Stream;
    h.status = status;
    session_->stream(h, payload);
  }

  NoStorageConnection connection_;
  std::shared_ptr<ConsoleDriver> driver_ = std::make_shared<ConsoleDriver>();
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
  std::shared_ptr<WaitingChannel> channel_ = std::make_shared<WaitingChannel>();
  std::shared_ptr<rpc::Session> session_;
  std::uint32_t serial_ = 0;
};

TEST_F(DispatchConsole, TheReplyThenBytesBothWaysThenTheFinish) {
  openConsole(std::string("serial0"), 1);
  EXPECT_EQ(driver_->name, "g1");
  EXPECT_EQ(driver_->dev, "serial0");
  EXPECT_EQ(driver_->gotFlags, 1u);
  auto reply = channel_->next();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header.type, rpc::MessageType::Reply);
  EXPECT_EQ(reply->header.status, rpc::MessageStatus::Ok);
  EXPECT_EQ(reply->header.serial, 77u);
  EXPECT_TRUE(reply->payload.empty());

  ASSERT_EQ(::write(driver_->guest, "login: ", 7), 7);
  auto data = channel_->next();
  ASSERT_TRUE(data);
  EXPECT_EQ(data->header.type, rpc::MessageType::Stream);
  EXPECT_EQ(data->header.procedure, 201);
  EXPECT_EQ(data->header.serial, 77u);
  EXPECT_EQ(data->payload, "login: ");

  clientStream(rpc::MessageStatus::Continue, "root\r");
  char buf[16] = {};
  std::string got;
  const auto end = std::chrono::steady_clock::now() + kBound;
  while (got.size() < 5 && std::chrono::steady_clock::now() < end) {
    ssize_t n = ::read(driver_->guest, buf, sizeof buf);
    if (n > 0)
      got.append(buf, static_cast<std::size_t>(n));
    else
      std::this_thread::yield();
  }
  EXPECT_EQ(got, "root\r");

  clientStream(rpc::MessageStatus::Ok, {});
  auto finish = channel_->next();
  ASSERT_TRUE(finish);
  EXPECT_EQ(finish->header.status, rpc::MessageStatus::Ok);
  EXPECT_EQ(finish->header.type, rpc::MessageType::Stream);
}

TEST_F(DispatchConsole, AnAbsentNameIsTheDefaultConsole) {
  openConsole(std::nullopt, 0);
  EXPECT_EQ(driver_->dev, "");
  EXPECT_EQ(channel_->next()->header.status, rpc::MessageStatus::Ok);
}

TEST_F(DispatchConsole, TheDriversRefusalIsTheReply) {
  driver_->refuse = true;
  openConsole(std::nullopt, 0);
  auto reply = channel_->next();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header.type, rpc::MessageType::Reply);
  ASSERT_EQ(reply->header.status, rpc::MessageStatus::Error);
  rpc::RemoteError e;
  ASSERT_TRUE(rpc::xdrDecodeAll(reply->payload, e));
  EXPECT_EQ(e.code, static_cast<std::int32_t>(ErrorCode::OperationFailed));
  EXPECT_EQ(e.message.value_or(""),
            "operation failed: Active console session exists for this domain");
}

TEST_F(DispatchConsole, ADriverWithoutConsolesIsNoSupportAndReadOnlyLinksAreRefused) {
  DispatchOptions options;
  options.host = std::make_shared<FixedHost>();
  auto dispatcher = makeRemoteDispatcher(connection_, options);
  auto channel = std::make_shared<WaitingChannel>();
  auto session = dispatcher->openSession(channel);
  rpc::MessageHeader h;
  h.procedure = 1;
  h.serial = 1;
  session->call(h, rpc::xdrEncodeToString(ConnectOpenArgs{std::string("test:///default"), 0}));
  ASSERT_EQ(channel->next()->header.status, rpc::MessageStatus::Ok);
  h.procedure = 201;
  h.serial = 2;
  session->call(h, rpc::xdrEncodeToString(DomainOpenConsoleArgs{Domain{"test", {}, 1}, {}, 0}));
  auto reply = channel->next();
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->header.status, rpc::MessageStatus::Error);
  rpc::RemoteError e;
  ASSERT_TRUE(rpc::xdrDecodeAll(reply->payload, e));
  EXPECT_EQ(e.code, static_cast<std::int32_t>(ErrorCode::NoSupport));
  session->closed();

  const rpc::CallPolicy policy = dispatcher->policy(201);
  EXPECT_FALSE(policy.readOnlyOk);
  EXPECT_EQ(policy.run, rpc::CallPolicy::Run::Worker);
  EXPECT_EQ(policy.api, "virDomainOpenConsole");
}

}  // namespace
}  // namespace virtus::daemon
