// The domain procedures through the dispatcher, as a client's frames reach them: a session
// opened with test:///default reaches the daemon's one in-memory driver, one opened with
// qemu:/// (no domain driver yet) sees no domains and gets NO_SUPPORT for the rest.
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include "daemon/dispatch_host_info.h"
#include "daemon/remote_dispatch.h"
#include "hypervisor/test/test_default_domain.h"
#include "hypervisor/test/test_domain_driver.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/remote_error.h"

namespace virtus::daemon {
namespace {

using namespace rpc::remote;

// Domain procedures never reach the storage or secret drivers.
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

class RecordingChannel final : public rpc::ClientChannel {
 public:
  void send(std::string frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
  }
  bool readOnly() const override { return false; }
  void close() override {}
  void pauseReading() override {}
  void resumeReading() override {}
  bool waitQueueBelow(std::size_t) override { return true; }

  std::string takeLast() {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(frames_.size(), 1u);
    std::string f = frames_.empty() ? std::string() : frames_.back();
    frames_.clear();
    return f;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> frames_;
};

class Client {
 public:
  Client(rpc::Dispatcher& dispatcher, const std::string& uri)
      : channel_(std::make_shared<RecordingChannel>()), session_(dispatcher.openSession(channel_)) {
    auto opened = call<Proc::ConnectOpen>(ConnectOpenArgs{uri, 0});
    EXPECT_TRUE(opened) << opened.error().text();
  }
  ~Client() { session_->closed(); }

  // Sends the call and decodes the reply (the result, or the error libvirt's client gets).
  template <Proc P>
  Result<typename ProcSpec<P>::Ret> call(const typename ProcSpec<P>::Args& args) {
    rpc::MessageHeader h;
    h.procedure = ProcSpec<P>::kNumber;
    h.serial = ++serial_;
    session_->call(h, rpc::xdrEncodeToString(args));
    const std::string frame = channel_->takeLast();
    rpc::MessageHeader reply;
    EXPECT_TRUE(rpc::decodeHeader(std::string_view(frame).substr(4), reply));
    EXPECT_EQ(reply.serial, h.serial);
    const std::string_view payload = std::string_view(frame).substr(28);
    if (reply.status != rpc::MessageStatus::Ok) {
      rpc::RemoteError e;
      EXPECT_TRUE(rpc::xdrDecodeAll(payload, e));
      return makeError(static_cast<ErrorCode>(e.code), static_cast<ErrorDomain>(e.domain),
                       e.message.value_or(""));
    }
    typename ProcSpec<P>::Ret ret{};
    if constexpr (!std::is_same_v<typename ProcSpec<P>::Ret, Void>) {
      EXPECT_TRUE(rpc::xdrDecodeAll(payload, ret));
    }
    return ret;
  }

 private:
  std::shared_ptr<RecordingChannel> channel_;
  std::shared_ptr<rpc::Session> session_;
  std::uint32_t serial_ = 0;
};

constexpr const char* kGuestXml =
    "<domain type='test'><name>g1</name><memory unit='KiB'>524288</memory><vcpu>2</vcpu>"
    "<os><type>hvm</type></os></domain>";

class DispatchDomain : public ::testing::Test {
 protected:
  DispatchDomain() {
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

std::vector<std::string> names(const ListAllRet<Domain>& r) {
  std::vector<std::string> out;
  for (const auto& d : r.items)
    out.push_back(d.name);
  return out;
}

TEST_F(DispatchDomain, TestUriListsTheDefaultGuest) {
  Client c(*dispatcher_, "test:///default");
  auto all = c.call<Proc::ConnectListAllDomains>(ListAllArgs{1, 0});
  ASSERT_TRUE(all) << all.error().text();
  EXPECT_EQ(all->ret, 1u);
  ASSERT_EQ(all->items.size(), 1u);
  EXPECT_EQ(all->items[0].name, "test");
  EXPECT_EQ(all->items[0].uuid.str(), testdrv::kDefaultDomainUuid);
  EXPECT_EQ(all->items[0].id, 1);

  auto countOnly = c.call<Proc::ConnectListAllDomains>(ListAllArgs{0, 0});
  ASSERT_TRUE(countOnly);
  EXPECT_EQ(countOnly->ret, 1u);
  EXPECT_TRUE(countOnly->items.empty());

  EXPECT_EQ(c.call<Proc::ConnectNumOfDomains>(Void{})->value, 1);
  EXPECT_EQ(c.call<Proc::ConnectNumOfDefinedDomains>(Void{})->value, 0);
  auto ids = c.call<Proc::ConnectListDomains>(IntValue{10});
  ASSERT_TRUE(ids);
  EXPECT_EQ(std::vector<std::int32_t>(ids->ids.begin(), ids->ids.end()),
            std::vector<std::int32_t>{1});
  auto none = c.call<Proc::ConnectListDomains>(IntValue{0});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->ids.empty());
  EXPECT_FALSE(c.call<Proc::ConnectListDomains>(IntValue{-1}));
}

TEST_F(DispatchDomain, LookupsByNameUuidAndId) {
  Client c(*dispatcher_, "test:///default");
  Domain byName = lookup(c, "test");
  auto byUuid = c.call<Proc::DomainLookupByUuid>(UuidValue{byName.uuid});
  ASSERT_TRUE(byUuid);
  EXPECT_EQ(byUuid->value.name, "test");
  auto byId = c.call<Proc::DomainLookupById>(IntValue{1});
  ASSERT_TRUE(byId);
  EXPECT_EQ(byId->value.uuid, byName.uuid);

  auto missing = c.call<Proc::DomainLookupByName>(StringValue{"nosuch"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NoDomain);
  EXPECT_NE(missing.error().text().find("'nosuch'"), std::string::npos) << missing.error().text();
  auto noId = c.call<Proc::DomainLookupById>(IntValue{42});
  ASSERT_FALSE(noId);
  EXPECT_EQ(noId.error().code, ErrorCode::NoDomain);
}

TEST_F(DispatchDomain, DefineStartSuspendResumeShutdownUndefine) {
  Client c(*dispatcher_, "test:///default");
  auto defined = c.call<Proc::DomainDefineXmlFlags>(StringFlags{kGuestXml, 0});
  ASSERT_TRUE(defined) << defined.error().text();
  Domain g = defined->value;
  EXPECT_EQ(g.name, "g1");
  EXPECT_EQ(g.id, -1);
  EXPECT_EQ(c.call<Proc::ConnectNumOfDefinedDomains>(Void{})->value, 1);
  auto definedNames = c.call<Proc::ConnectListDefinedDomains>(IntValue{10});
  ASSERT_TRUE(definedNames);
  EXPECT_EQ(std::vector<std::string>(definedNames->names.begin(), definedNames->names.end()),
            std::vector<std::string>{"g1"});
  EXPECT_EQ(c.call<Proc::DomainIsActive>(HandleValue<Domain>{g})->value, 0);
  EXPECT_EQ(c.call<Proc::DomainIsPersistent>(HandleValue<Domain>{g})->value, 1);

  auto started = c.call<Proc::DomainCreateWithFlags>(HandleFlags<Domain>{g, 0});
  ASSERT_TRUE(started) << started.error().text();
  EXPECT_EQ(started->value.id, 2);
  auto again = c.call<Proc::DomainCreate>(HandleValue<Domain>{g});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::OperationInvalid);

  auto info = c.call<Proc::DomainGetInfo>(HandleValue<Domain>{g});
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, 1u);  // running
  EXPECT_EQ(info->maxMem, 524288u);
  EXPECT_EQ(info->memory, 524288u);
  EXPECT_EQ(info->nrVirtCpu, 2u);

  ASSERT_TRUE(c.call<Proc::DomainSuspend>(HandleValue<Domain>{g}));
  auto paused = c.call<Proc::DomainGetState>(HandleFlags<Domain>{g, 0});
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->state, 3);
  EXPECT_EQ(paused->reason, driver::paused_reason::kUser);
  ASSERT_TRUE(c.call<Proc::DomainResume>(HandleValue<Domain>{g}));
  auto resumed = c.call<Proc::DomainGetState>(HandleFlags<Domain>{g, 0});
  EXPECT_EQ(resumed->state, 1);
  EXPECT_EQ(resumed->reason, driver::running_reason::kUnpaused);
  auto stateFlags = c.call<Proc::DomainGetState>(HandleFlags<Domain>{g, 1});
  ASSERT_FALSE(stateFlags);
  EXPECT_EQ(stateFlags.error().code, ErrorCode::InvalidArg);

  ASSERT_TRUE(c.call<Proc::DomainReboot>(HandleFlags<Domain>{g, 0}));
  ASSERT_TRUE(c.call<Proc::DomainReset>(HandleFlags<Domain>{g, 0}));
  ASSERT_TRUE(c.call<Proc::DomainShutdownFlags>(HandleFlags<Domain>{g, 0}));
  auto off = c.call<Proc::DomainGetState>(HandleFlags<Domain>{g, 0});
  EXPECT_EQ(off->state, 5);
  EXPECT_EQ(off->reason, driver::shutoff_reason::kShutdown);
  auto notRunning = c.call<Proc::DomainDestroy>(HandleValue<Domain>{g});
  ASSERT_FALSE(notRunning);
  EXPECT_EQ(notRunning.error().code, ErrorCode::OperationInvalid);

  ASSERT_TRUE(c.call<Proc::DomainUndefineFlags>(HandleFlags<Domain>{g, 0}));
  auto gone = c.call<Proc::DomainLookupByName>(StringValue{"g1"});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NoDomain);
}

TEST_F(DispatchDomain, TransientGuestAndListFlags) {
  Client c(*dispatcher_, "test:///default");
  auto created = c.call<Proc::DomainCreateXml>(StringFlags{kGuestXml, 0});
  ASSERT_TRUE(created) << created.error().text();
  Domain g = created->value;
  EXPECT_EQ(c.call<Proc::DomainIsPersistent>(HandleValue<Domain>{g})->value, 0);
  auto undef = c.call<Proc::DomainUndefine>(HandleValue<Domain>{g});
  ASSERT_FALSE(undef);
  EXPECT_EQ(undef.error().code, ErrorCode::OperationInvalid);

  namespace ld = driver::list_domains;
  auto transient = c.call<Proc::ConnectListAllDomains>(ListAllArgs{1, ld::kTransient});
  ASSERT_TRUE(transient);
  EXPECT_EQ(names(*transient), std::vector<std::string>{"g1"});
  auto persistent = c.call<Proc::ConnectListAllDomains>(ListAllArgs{1, ld::kPersistent});
  EXPECT_EQ(names(*persistent), std::vector<std::string>{"test"});
  Domain test = lookup(c, "test");
  ASSERT_TRUE(c.call<Proc::DomainSetAutostart>(HandleInt<Domain>{test, 1}));
  EXPECT_EQ(c.call<Proc::DomainGetAutostart>(HandleValue<Domain>{test})->value, 1);
  auto autostart = c.call<Proc::ConnectListAllDomains>(ListAllArgs{1, ld::kAutostart});
  EXPECT_EQ(names(*autostart), std::vector<std::string>{"test"});
  auto badFlags = c.call<Proc::ConnectListAllDomains>(ListAllArgs{1, 1u << 30});
  ASSERT_FALSE(badFlags);
  EXPECT_EQ(badFlags.error().code, ErrorCode::InvalidArg);

  ASSERT_TRUE(c.call<Proc::DomainDestroyFlags>(HandleFlags<Domain>{g, 0}));
  auto gone = c.call<Proc::DomainLookupByUuid>(UuidValue{g.uuid});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NoDomain);
}

TEST_F(DispatchDomain, DescriptionsAndFixedAnswers) {
  Client c(*dispatcher_, "test:///default");
  Domain test = lookup(c, "test");
  auto xml = c.call<Proc::DomainGetXmlDesc>(HandleFlags<Domain>{test, 0});
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->value.find("<domain type='test' id='1'>"), std::string::npos) << xml->value;
  auto inactive =
      c.call<Proc::DomainGetXmlDesc>(HandleFlags<Domain>{test, driver::domain_xml::kInactive});
  ASSERT_TRUE(inactive);
  EXPECT_EQ(inactive->value.find("id='1'"), std::string::npos) << inactive->value;
  EXPECT_EQ(c.call<Proc::DomainGetOsType>(HandleValue<Domain>{test})->value, "hvm");
  EXPECT_EQ(c.call<Proc::DomainIsUpdated>(HandleValue<Domain>{test})->value, 0);
  EXPECT_EQ(c.call<Proc::DomainHasManagedSaveImage>(HandleFlags<Domain>{test, 0})->value, 0);
  EXPECT_EQ(c.call<Proc::DomainSnapshotNum>(HandleFlags<Domain>{test, 0})->value, 0);
  EXPECT_TRUE(c.call<Proc::DomainGetMessages>(HandleFlags<Domain>{test, 0})->names.empty());

  // As libvirtd sends C strings: the NUL included.
  auto label = c.call<Proc::DomainGetSecurityLabel>(HandleValue<Domain>{test});
  ASSERT_TRUE(label);
  EXPECT_EQ(std::vector<std::int32_t>(label->label.begin(), label->label.end()),
            std::vector<std::int32_t>{0});
  EXPECT_EQ(label->enforcing, 0);
  auto model = c.call<Proc::NodeGetSecurityModel>(Void{});
  ASSERT_TRUE(model);
  EXPECT_EQ(model->model.size(), 1u);
  EXPECT_EQ(model->doi.size(), 1u);

  // A guest that does not exist is an error, even for the fixed answers.
  Domain ghost{"ghost", Uuid(), -1};
  auto updated = c.call<Proc::DomainIsUpdated>(HandleValue<Domain>{ghost});
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::NoDomain);

  // Devices pass through to the driver (the test driver has none).
  auto attach = c.call<Proc::DomainAttachDeviceFlags>(DomainXmlFlagsArgs{test, "<disk/>", 0});
  ASSERT_FALSE(attach);
  EXPECT_EQ(attach.error().code, ErrorCode::NoSupport);
  EXPECT_NE(attach.error().text().find("virDomainAttachDeviceFlags"), std::string::npos);
  auto detach = c.call<Proc::DomainDetachDeviceFlags>(DomainXmlFlagsArgs{test, "<disk/>", 0});
  ASSERT_FALSE(detach);
  EXPECT_EQ(detach.error().code, ErrorCode::NoSupport);
}

TEST_F(DispatchDomain, DefineErrorsComeFromTheDriver) {
  Client c(*dispatcher_, "test:///default");
  auto bad = c.call<Proc::DomainDefineXml>(StringValue{"<domain"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::XmlDetail);
  auto flags = c.call<Proc::DomainDefineXmlFlags>(StringFlags{kGuestXml, 1u << 7});
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().code, ErrorCode::InvalidArg);
}

TEST_F(DispatchDomain, TestConnectionsShareOneDriver) {
  Client first(*dispatcher_, "test:///default");
  ASSERT_TRUE(first.call<Proc::DomainDefineXml>(StringValue{kGuestXml}));
  Client second(*dispatcher_, "test:///default");
  auto seen = second.call<Proc::DomainLookupByName>(StringValue{"g1"});
  ASSERT_TRUE(seen) << seen.error().text();
  // ... and the driver is the one the daemon was given.
  EXPECT_TRUE(testDomains_->lookupDomainByName("g1"));
}

TEST_F(DispatchDomain, QemuUriWithoutDriverHasNoDomains) {
  for (const char* uri : {"qemu:///system", "qemu:///session"}) {
    Client c(*dispatcher_, uri);
    auto all = c.call<Proc::ConnectListAllDomains>(ListAllArgs{1, 0});
    ASSERT_TRUE(all);
    EXPECT_EQ(all->ret, 0u);
    EXPECT_TRUE(all->items.empty());
    EXPECT_EQ(c.call<Proc::ConnectNumOfDomains>(Void{})->value, 0);
    EXPECT_EQ(c.call<Proc::ConnectNumOfDefinedDomains>(Void{})->value, 0);
    EXPECT_TRUE(c.call<Proc::ConnectListDomains>(IntValue{5})->ids.empty());
    EXPECT_TRUE(c.call<Proc::ConnectListDefinedDomains>(IntValue{5})->names.empty());

    auto lookupR = c.call<Proc::DomainLookupByName>(StringValue{"test"});
    ASSERT_FALSE(lookupR);
    EXPECT_EQ(lookupR.error().code, ErrorCode::NoSupport);
    EXPECT_EQ(lookupR.error().domain, ErrorDomain::Domain);
    EXPECT_NE(lookupR.error().text().find("virDomainLookupByName"), std::string::npos)
        << lookupR.error().text();
    auto define = c.call<Proc::DomainDefineXml>(StringValue{kGuestXml});
    ASSERT_FALSE(define);
    EXPECT_NE(define.error().text().find("virDomainDefineXML"), std::string::npos);
  }
  // Nothing reached the test driver.
  EXPECT_FALSE(testDomains_->lookupDomainByName("g1"));
}

TEST_F(DispatchDomain, PoliciesFollowTheTable) {
  auto lookupPolicy = dispatcher_->policy(ProcSpec<Proc::DomainLookupByName>::kNumber);
  EXPECT_TRUE(lookupPolicy.readOnlyOk);
  EXPECT_EQ(lookupPolicy.run, rpc::CallPolicy::Run::Inline);
  EXPECT_EQ(lookupPolicy.apiDomain, ErrorDomain::Domain);
  auto definePolicy = dispatcher_->policy(ProcSpec<Proc::DomainDefineXml>::kNumber);
  EXPECT_FALSE(definePolicy.readOnlyOk);
  EXPECT_EQ(definePolicy.run, rpc::CallPolicy::Run::Worker);
  EXPECT_EQ(definePolicy.api, "virDomainDefineXML");
  EXPECT_FALSE(dispatcher_->policy(ProcSpec<Proc::DomainDestroy>::kNumber).readOnlyOk);
  EXPECT_TRUE(dispatcher_->policy(ProcSpec<Proc::NodeGetSecurityModel>::kNumber).readOnlyOk);
}

}  // namespace
}  // namespace virtus::daemon
