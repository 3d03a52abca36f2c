// Domain event registrations through the dispatcher: a session registered for lifecycle
// events receives DOMAIN_EVENT_CALLBACK_LIFECYCLE messages for the changes any session
// makes, filtered by domain when it asked for one, until it deregisters or closes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include "daemon/dispatch_host_info.h"
#include "daemon/dispatch_session.h"
#include "daemon/remote_dispatch.h"
#include "hypervisor/test/test_default_domain.h"
#include "hypervisor/test/test_domain_driver.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/remote_error.h"

namespace virtus::daemon {
namespace {

using namespace rpc::remote;
using driver::DomainEventType;
namespace ed = driver::event_detail;

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

struct Frame {
  rpc::MessageHeader header;
  std::string payload;
};

// Keeps every frame the session sends, decoded.
class RecordingChannel final : public rpc::ClientChannel {
 public:
  void send(std::string frame) override {
    Frame f;
    EXPECT_TRUE(rpc::decodeHeader(std::string_view(frame).substr(4), f.header));
    f.payload = frame.substr(4 + rpc::kHeaderSize);
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(f));
  }
  bool readOnly() const override { return false; }
  void close() override {}
  void pauseReading() override {}
  void resumeReading() override {}
  bool waitQueueBelow(std::size_t) override { return true; }

  std::vector<Frame> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(frames_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<Frame> frames_;
};

struct Seen {
  std::int32_t callbackID;
  std::string name;
  std::int32_t id;
  std::int32_t event;
  std::int32_t detail;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{cb " << s.callbackID << " " << s.name << " id " << s.id << " event " << s.event
            << " detail " << s.detail << "}";
}

Seen seen(std::int32_t cb, const std::string& name, std::int32_t id, DomainEventType type,
          int detail) {
  return Seen{cb, name, id, static_cast<std::int32_t>(type), detail};
}

class Client {
 public:
  Client(rpc::Dispatcher& dispatcher, const std::string& uri)
      : channel_(std::make_shared<RecordingChannel>()), session_(dispatcher.openSession(channel_)) {
    auto opened = call<Proc::ConnectOpen>(ConnectOpenArgs{uri, 0});
    EXPECT_TRUE(opened) << opened.error().text();
  }
  ~Client() { close(); }

  void close() {
    if (session_)
      session_->closed();
    session_.reset();
  }

  // Sends the call and decodes its reply; the event messages sent meanwhile are kept. An
  // error's message is the wire's, as a client prints it (libvirt's format already applied).
  template <Proc P>
  Result<typename ProcSpec<P>::Ret> call(const typename ProcSpec<P>::Args& args) {
    rpc::MessageHeader h;
    h.procedure = ProcSpec<P>::kNumber;
    h.serial = ++serial_;
    session_->call(h, rpc::xdrEncodeToString(args));
    std::optional<Frame> reply;
    for (Frame& f : channel_->take()) {
      if (f.header.type == rpc::MessageType::Reply && f.header.serial == h.serial)
        reply = std::move(f);
      else
        messages_.push_back(std::move(f));
    }
    if (!reply) {
      ADD_FAILURE() << "no reply to procedure " << h.procedure;
      return makeError(ErrorCode::InternalError, ErrorDomain::Rpc, "no reply");
    }
    if (reply->header.status != rpc::MessageStatus::Ok) {
      rpc::RemoteError e;
      EXPECT_TRUE(rpc::xdrDecodeAll(reply->payload, e));
      return makeError(static_cast<ErrorCode>(e.code), static_cast<ErrorDomain>(e.domain),
                       e.message.value_or(""));
    }
    typename ProcSpec<P>::Ret ret{};
    if constexpr (!std::is_same_v<typename ProcSpec<P>::Ret, Void>) {
      EXPECT_TRUE(rpc::xdrDecodeAll(reply->payload, ret));
    }
    return ret;
  }

  std::int32_t registerLifecycle(std::optional<Domain> dom = std::nullopt) {
    auto r = call<Proc::ConnectDomainEventCallbackRegisterAny>(
        DomainEventCallbackRegisterArgs{kDomainEventIdLifecycle, std::move(dom)});
    EXPECT_TRUE(r) << r.error().text();
    return r ? r->value : -1;
  }

  // The lifecycle events received so far (and sent while no call was under way).
  std::vector<Seen> events() {
    for (Frame& f : channel_->take())
      messages_.push_back(std::move(f));
    std::vector<Seen> out;
    for (const Frame& f : std::exchange(messages_, {})) {
      EXPECT_EQ(f.header.type, rpc::MessageType::Message);
      EXPECT_EQ(f.header.procedure, kDomainEventCallbackLifecycle);
      EXPECT_EQ(f.header.serial, 0u);
      DomainEventCallbackLifecycleMsg m;
      EXPECT_TRUE(rpc::xdrDecodeAll(f.payload, m));
      out.push_back(Seen{m.callbackID, m.msg.dom.name, m.msg.dom.id, m.msg.event, m.msg.detail});
    }
    return out;
  }

 private:
  std::shared_ptr<RecordingChannel> channel_;
  std::shared_ptr<rpc::Session> session_;
  std::vector<Frame> messages_;
  std::uint32_t serial_ = 0;
};

constexpr const char* kGuestXml =
    "<domain type='test'><name>g1</name><memory unit='KiB'>524288</memory><vcpu>2</vcpu>"
    "<os><type>hvm</type></os></domain>";

class DispatchDomainEvents : public ::testing::Test {
 protected:
  DispatchDomainEvents() {
    DispatchOptions options;
    options.host = std::make_shared<FixedHost>();
    options.testDomains = testDomains_;
    dispatcher_ = makeRemoteDispatcher(connection_, options);
  }

  Domain lookup(Client& c, const std::string& name) {
    auto r = c.call<Proc::DomainLookupByName>(StringValue{name});
    EXPECT_TRUE(r) << r.error().text();
    return r ? r->value : Domain{};
  }

  NoStorageConnection connection_;
  std::shared_ptr<testdrv::TestDomainDriver> testDomains_ = testdrv::makeDefaultTestDomainDriver();
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
};

TEST_F(DispatchDomainEvents, LifecycleOfAGuestReachesTheRegisteredSession) {
  Client c(*dispatcher_, "test:///default");
  std::int32_t cb = c.registerLifecycle();
  auto defined = c.call<Proc::DomainDefineXmlFlags>(StringFlags{kGuestXml, 0});
  ASSERT_TRUE(defined) << defined.error().text();
  Domain g = defined->value;
  ASSERT_TRUE(c.call<Proc::DomainCreate>(HandleValue<Domain>{g}));
  ASSERT_TRUE(c.call<Proc::DomainSuspend>(HandleValue<Domain>{g}));
  ASSERT_TRUE(c.call<Proc::DomainResume>(HandleValue<Domain>{g}));
  ASSERT_TRUE(c.call<Proc::DomainShutdown>(HandleValue<Domain>{g}));
  ASSERT_TRUE(c.call<Proc::DomainCreate>(HandleValue<Domain>{g}));
  ASSERT_TRUE(c.call<Proc::DomainDestroy>(HandleValue<Domain>{g}));
  ASSERT_TRUE(c.call<Proc::DomainUndefine>(HandleValue<Domain>{g}));
  EXPECT_EQ(c.events(), (std::vector<Seen>{
                            seen(cb, "g1", -1, DomainEventType::Defined, ed::defined::kAdded),
                            seen(cb, "g1", 2, DomainEventType::Started, ed::started::kBooted),
                            seen(cb, "g1", 2, DomainEventType::Suspended, ed::suspended::kPaused),
                            seen(cb, "g1", 2, DomainEventType::Resumed, ed::resumed::kUnpaused),
                            seen(cb, "g1", -1, DomainEventType::Stopped, ed::stopped::kShutdown),
                            seen(cb, "g1", 3, DomainEventType::Started, ed::started::kBooted),
                            seen(cb, "g1", -1, DomainEventType::Stopped, ed::stopped::kDestroyed),
                            seen(cb, "g1", -1, DomainEventType::Undefined, ed::undefined::kRemoved),
                        }));
}

TEST_F(DispatchDomainEvents, EventsOfOtherSessionsAndTheDomainFilter) {
  Client watcher(*dispatcher_, "test:///default");
  Client actor(*dispatcher_, "test:///default");
  Domain test = lookup(watcher, "test");
  std::int32_t all = watcher.registerLifecycle();
  std::int32_t onlyTest = watcher.registerLifecycle(test);
  EXPECT_NE(all, onlyTest);

  auto defined = actor.call<Proc::DomainDefineXmlFlags>(StringFlags{kGuestXml, 0});
  ASSERT_TRUE(defined);
  ASSERT_TRUE(actor.call<Proc::DomainSuspend>(HandleValue<Domain>{test}));
  EXPECT_EQ(watcher.events(),
            (std::vector<Seen>{
                seen(all, "g1", -1, DomainEventType::Defined, ed::defined::kAdded),
                seen(all, "test", 1, DomainEventType::Suspended, ed::suspended::kPaused),
                seen(onlyTest, "test", 1, DomainEventType::Suspended, ed::suspended::kPaused),
            }));
  EXPECT_TRUE(actor.events().empty());  // it registered for nothing
}

TEST_F(DispatchDomainEvents, DeregisterStopsTheEventsAndUnknownIdsAreRefused) {
  Client c(*dispatcher_, "test:///default");
  Domain test = lookup(c, "test");
  std::int32_t cb = c.registerLifecycle();
  ASSERT_TRUE(c.call<Proc::ConnectDomainEventCallbackDeregisterAny>(IntValue{cb}));
  ASSERT_TRUE(c.call<Proc::DomainSuspend>(HandleValue<Domain>{test}));
  EXPECT_TRUE(c.events().empty());

  auto again = c.call<Proc::ConnectDomainEventCallbackDeregisterAny>(IntValue{cb});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::InternalError);
  EXPECT_EQ(again.error().domain, ErrorDomain::Rpc);
  EXPECT_EQ(again.error().message,
            "internal error: domain event callback " + std::to_string(cb) + " not registered");
}

TEST_F(DispatchDomainEvents, KnownIdsRegisterAndUnknownOnesAreRefused) {
  Client c(*dispatcher_, "test:///default");
  // VIR_DOMAIN_EVENT_ID_REBOOT and the last id libvirt 9.0 knows: accepted, never sent.
  for (std::int32_t id : {1, kDomainEventIdCount - 1}) {
    auto r = c.call<Proc::ConnectDomainEventCallbackRegisterAny>(
        DomainEventCallbackRegisterArgs{id, std::nullopt});
    ASSERT_TRUE(r) << r.error().text();
    ASSERT_TRUE(c.call<Proc::DomainSuspend>(HandleValue<Domain>{lookup(c, "test")}));
    ASSERT_TRUE(c.call<Proc::DomainResume>(HandleValue<Domain>{lookup(c, "test")}));
    EXPECT_TRUE(c.events().empty());
    EXPECT_TRUE(c.call<Proc::ConnectDomainEventCallbackDeregisterAny>(IntValue{r->value}));
  }
  for (std::int32_t id : {kDomainEventIdCount, -1}) {
    auto r = c.call<Proc::ConnectDomainEventCallbackRegisterAny>(
        DomainEventCallbackRegisterArgs{id, std::nullopt});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::InternalError);
    EXPECT_EQ(r.error().message, "internal error: unsupported event ID " + std::to_string(id));
  }
}

TEST_F(DispatchDomainEvents, ClosingTheSessionUnsubscribes) {
  Client watcher(*dispatcher_, "test:///default");
  Client actor(*dispatcher_, "test:///default");
  watcher.registerLifecycle();
  watcher.close();
  Domain test = lookup(actor, "test");
  ASSERT_TRUE(actor.call<Proc::DomainSuspend>(HandleValue<Domain>{test}));
  EXPECT_TRUE(watcher.events().empty());
}

TEST_F(DispatchDomainEvents, UriWithoutADomainDriverRefusesRegistration) {
  Client c(*dispatcher_, "qemu:///system");
  auto r = c.call<Proc::ConnectDomainEventCallbackRegisterAny>(
      DomainEventCallbackRegisterArgs{kDomainEventIdLifecycle, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(r.error().message,
            "this function is not supported by the connection driver: "
            "virConnectDomainEventRegisterAny");
}

}  // namespace
}  // namespace virtus::daemon
