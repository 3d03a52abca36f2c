#include "hypervisor/test/test_domain_driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hypervisor/test/test_default_domain.h"

namespace virtus::testdrv {
namespace {

using driver::DomainHandle;
using driver::DomainState;
namespace ld = driver::list_domains;

std::string domainXmlText(const std::string& name, const std::string& uuid,
                          const std::string& memory = "1048576") {
  std::string xml = "<domain type='kvm'><name>" + name + "</name>";
  if (!uuid.empty())
    xml += "<uuid>" + uuid + "</uuid>";
  xml += "<memory>" + memory + "</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";
  return xml;
}

constexpr const char* kUuidA = "11111111-2222-3333-4444-555555555555";
constexpr const char* kUuidB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

class TestDriverTest : public ::testing::Test {
 protected:
  std::unique_ptr<TestDomainDriver> drv = makeDefaultTestDomainDriver();

  DomainHandle defaultDomain() {
    auto h = drv->lookupDomainByName("test");
    EXPECT_TRUE(h) << h.error().text();
    return *h;
  }
  DomainHandle define(const std::string& name, const std::string& uuid) {
    auto h = drv->defineDomain(domainXmlText(name, uuid), 0);
    EXPECT_TRUE(h) << h.error().text();
    return h ? *h : DomainHandle{};
  }
  std::vector<std::string> names(unsigned flags) {
    auto list = drv->listAllDomains(flags);
    EXPECT_TRUE(list) << list.error().text();
    std::vector<std::string> out;
    if (list)
      for (const auto& h : *list)
        out.push_back(h.name);
    std::sort(out.begin(), out.end());
    return out;
  }
  void expectError(const Error& e, ErrorCode code, const std::string& text) {
    EXPECT_EQ(errorCodeName(e.code), errorCodeName(code)) << e.text();
    EXPECT_EQ(e.text(), text);
  }
};

TEST_F(TestDriverTest, DefaultDomainIsRunningWithId1) {
  DomainHandle h = defaultDomain();
  EXPECT_EQ(h.name, "test");
  EXPECT_EQ(h.uuid.str(), kDefaultDomainUuid);
  EXPECT_EQ(h.id, 1);
  auto info = drv->domainInfo(h);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, DomainState::Running);
  EXPECT_EQ(info->maxMemKiB, 8388608u);
  EXPECT_EQ(info->memoryKiB, 2097152u);
  EXPECT_EQ(info->vcpus, 2u);
  auto state = drv->domainState(h);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->state, DomainState::Running);
  EXPECT_EQ(state->reason, driver::running_reason::kBooted);
  EXPECT_EQ(*drv->domainIsActive(h), true);
  EXPECT_EQ(*drv->domainIsPersistent(h), true);
  EXPECT_EQ(*drv->domainAutostart(h), false);
}

TEST_F(TestDriverTest, LookupsByNameUuidAndId) {
  DomainHandle h = defaultDomain();
  auto byUuid = drv->lookupDomainByUuid(h.uuid);
  ASSERT_TRUE(byUuid);
  EXPECT_EQ(*byUuid, h);
  auto byId = drv->lookupDomainById(1);
  ASSERT_TRUE(byId);
  EXPECT_EQ(*byId, h);
}

TEST_F(TestDriverTest, LookupErrors) {
  auto name = drv->lookupDomainByName("nope");
  ASSERT_FALSE(name);
  expectError(name.error(), ErrorCode::NoDomain,
              "Domain not found: no domain with matching name 'nope'");
  auto uuid = drv->lookupDomainByUuid(*Uuid::parse(kUuidA));
  ASSERT_FALSE(uuid);
  expectError(uuid.error(), ErrorCode::NoDomain,
              std::string("Domain not found: no domain with matching uuid '") + kUuidA + "'");
  auto id = drv->lookupDomainById(7);
  ASSERT_FALSE(id);
  expectError(id.error(), ErrorCode::NoDomain, "Domain not found: no domain with matching id 7");
}

TEST_F(TestDriverTest, InactiveDomainHasNoIdForLookup) {
  define("vm", kUuidA);
  EXPECT_FALSE(drv->lookupDomainById(-1));
}

TEST_F(TestDriverTest, OperationsOnAGoneHandleFailWithNoDomain) {
  DomainHandle gone{"ghost", *Uuid::parse(kUuidB), -1};
  const std::string text =
      std::string("Domain not found: no domain with matching uuid '") + kUuidB + "' (ghost)";
  expectError(drv->domainInfo(gone).error(), ErrorCode::NoDomain, text);
  expectError(drv->domainState(gone).error(), ErrorCode::NoDomain, text);
  expectError(drv->startDomain(gone, 0).error(), ErrorCode::NoDomain, text);
  expectError(drv->destroyDomain(gone, 0).error(), ErrorCode::NoDomain, text);
  expectError(drv->undefineDomain(gone, 0).error(), ErrorCode::NoDomain, text);
  expectError(drv->domainXml(gone, 0).error(), ErrorCode::NoDomain, text);
  expectError(drv->setDomainAutostart(gone, true).error(), ErrorCode::NoDomain, text);
  expectError(drv->suspendDomain(gone).error(), ErrorCode::NoDomain, text);
}

TEST_F(TestDriverTest, DefineCreatesAnInactivePersistentDomain) {
  DomainHandle h = define("vm", kUuidA);
  EXPECT_EQ(h.name, "vm");
  EXPECT_EQ(h.uuid.str(), kUuidA);
  EXPECT_EQ(h.id, -1);
  EXPECT_EQ(*drv->domainIsActive(h), false);
  EXPECT_EQ(*drv->domainIsPersistent(h), true);
  auto state = drv->domainState(h);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->state, DomainState::Shutoff);
  EXPECT_EQ(state->reason, driver::shutoff_reason::kUnknown);
}

TEST_F(TestDriverTest, DefinitionsOfTypeTestAreAccepted) {
  auto h = drv->defineDomain(
      "<domain type='test'><name>t2</name><memory>1024</memory><vcpu>1</vcpu>"
      "<os><type>hvm</type></os></domain>",
      0);
  ASSERT_TRUE(h) << h.error().text();
  auto xml = drv->domainXml(*h, 0);
  ASSERT_TRUE(xml);
  EXPECT_EQ(xml->rfind("<domain type='test'>", 0), 0u) << *xml;
}

TEST_F(TestDriverTest, DefineWithoutUuidGeneratesOne) {
  auto h = drv->defineDomain(domainXmlText("vm", ""), 0);
  ASSERT_TRUE(h) << h.error().text();
  EXPECT_FALSE(h->uuid.isNull());
  EXPECT_TRUE(drv->lookupDomainByUuid(h->uuid));
}

TEST_F(TestDriverTest, DefineRejectsBadXmlAndUnknownFlags) {
  EXPECT_FALSE(drv->defineDomain("<domain", 0));
  auto flags = drv->defineDomain(domainXmlText("vm", kUuidA), 0x100);
  ASSERT_FALSE(flags);
  expectError(flags.error(), ErrorCode::InvalidArg,
              "invalid argument: unsupported flags (0x100) in function testDomainDefineXMLFlags");
  EXPECT_TRUE(drv->defineDomain(domainXmlText("vm", kUuidA), driver::define_domain::kValidate));
}

TEST_F(TestDriverTest, RedefineInactiveReplacesTheDefinition) {
  DomainHandle h = define("vm", kUuidA);
  ASSERT_TRUE(drv->defineDomain(domainXmlText("vm", kUuidA, "2097152"), 0));
  auto info = drv->domainInfo(h);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->maxMemKiB, 2097152u);
  EXPECT_EQ(names(0).size(), 2u);
}

TEST_F(TestDriverTest, RedefineRunningKeepsLiveDefAndSetsNextConfig) {
  DomainHandle h = define("vm", kUuidA);
  ASSERT_TRUE(drv->startDomain(h, 0));
  auto redefined = drv->defineDomain(domainXmlText("vm", kUuidA, "2097152"), 0);
  ASSERT_TRUE(redefined);
  EXPECT_EQ(redefined->id, 2);
  EXPECT_EQ(drv->domainInfo(h)->maxMemKiB, 1048576u);
  auto live = drv->domainXml(h, 0);
  auto config = drv->domainXml(h, driver::domain_xml::kInactive);
  ASSERT_TRUE(live);
  ASSERT_TRUE(config);
  EXPECT_NE(live->find("1048576"), std::string::npos) << *live;
  EXPECT_NE(config->find("2097152"), std::string::npos) << *config;
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  EXPECT_EQ(drv->domainInfo(h)->maxMemKiB, 2097152u);
}

TEST_F(TestDriverTest, DuplicateUuidWithAnotherName) {
  define("vm", kUuidA);
  auto dup = drv->defineDomain(domainXmlText("other", kUuidA), 0);
  ASSERT_FALSE(dup);
  expectError(dup.error(), ErrorCode::OperationFailed,
              std::string("operation failed: domain 'vm' is already defined with uuid ") + kUuidA);
  auto created = drv->createDomain(domainXmlText("other", kUuidA), 0);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::OperationFailed);
}

TEST_F(TestDriverTest, DuplicateNameWithAnotherUuid) {
  auto dup = drv->defineDomain(domainXmlText("test", kUuidA), 0);
  ASSERT_FALSE(dup);
  expectError(dup.error(), ErrorCode::OperationFailed,
              std::string("operation failed: domain 'test' already exists with uuid ") +
                  kDefaultDomainUuid);
  auto created = drv->createDomain(domainXmlText("test", kUuidA), 0);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().text(), dup.error().text());
}

TEST_F(TestDriverTest, CreateOfARunningDomainIsRefused) {
  auto again = drv->createDomain(domainXmlText("test", kDefaultDomainUuid), 0);
  ASSERT_FALSE(again);
  expectError(again.error(), ErrorCode::OperationInvalid,
              "Requested operation is not valid: domain 'test' is already active");
}

TEST_F(TestDriverTest, CreateMakesATransientRunningDomainWithIncreasingIds) {
  auto a = drv->createDomain(domainXmlText("a", kUuidA), 0);
  ASSERT_TRUE(a) << a.error().text();
  EXPECT_EQ(a->id, 2);
  EXPECT_EQ(*drv->domainIsActive(*a), true);
  EXPECT_EQ(*drv->domainIsPersistent(*a), false);
  auto b = drv->createDomain(domainXmlText("b", kUuidB), 0);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, 3);
  // ids are not reused: a domain created after a destroy gets the next one.
  ASSERT_TRUE(drv->destroyDomain(*a, 0));
  auto c = drv->createDomain(domainXmlText("a", kUuidA), 0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, 4);
}

TEST_F(TestDriverTest, CreatePausedAndUnknownFlags) {
  auto p = drv->createDomain(domainXmlText("p", kUuidA), driver::start_domain::kPaused);
  ASSERT_TRUE(p);
  auto state = drv->domainState(*p);
  EXPECT_EQ(state->state, DomainState::Paused);
  EXPECT_EQ(state->reason, driver::paused_reason::kUser);
  auto bad = drv->createDomain(domainXmlText("q", kUuidB), driver::start_domain::kAutodestroy);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArg);
}

TEST_F(TestDriverTest, CreateOverAnInactivePersistentDomainRunsTheNewDefinitionOnce) {
  DomainHandle h = define("vm", kUuidA);
  auto c = drv->createDomain(domainXmlText("vm", kUuidA, "2097152"), 0);
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_EQ(*drv->domainIsPersistent(h), true);
  EXPECT_EQ(drv->domainInfo(h)->maxMemKiB, 2097152u);
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  EXPECT_EQ(drv->domainInfo(h)->maxMemKiB, 1048576u);
}

TEST_F(TestDriverTest, StartAndAlreadyRunning) {
  DomainHandle h = define("vm", kUuidA);
  auto started = drv->startDomain(h, 0);
  ASSERT_TRUE(started) << started.error().text();
  EXPECT_EQ(started->id, 2);
  auto state = drv->domainState(h);
  EXPECT_EQ(state->state, DomainState::Running);
  EXPECT_EQ(state->reason, driver::running_reason::kBooted);
  auto again = drv->startDomain(h, 0);
  ASSERT_FALSE(again);
  expectError(again.error(), ErrorCode::OperationInvalid,
              "Requested operation is not valid: domain is already running");
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  auto paused = drv->startDomain(h, driver::start_domain::kPaused);
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->id, 3);
  EXPECT_EQ(drv->domainState(h)->state, DomainState::Paused);
  EXPECT_FALSE(drv->startDomain(h, driver::start_domain::kForceBoot));
}

TEST_F(TestDriverTest, DestroyPersistentKeepsItShutOff) {
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  auto state = drv->domainState(h);
  EXPECT_EQ(state->state, DomainState::Shutoff);
  EXPECT_EQ(state->reason, driver::shutoff_reason::kDestroyed);
  EXPECT_EQ(*drv->domainIsActive(h), false);
  EXPECT_EQ(drv->lookupDomainByName("test")->id, -1);
  auto again = drv->destroyDomain(h, 0);
  ASSERT_FALSE(again);
  expectError(again.error(), ErrorCode::OperationInvalid,
              "Requested operation is not valid: domain is not running");
  EXPECT_FALSE(drv->destroyDomain(h, 0x8));
}

TEST_F(TestDriverTest, DestroyAndShutdownRemoveTransientDomains) {
  auto a = drv->createDomain(domainXmlText("a", kUuidA), 0);
  auto b = drv->createDomain(domainXmlText("b", kUuidB), 0);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  ASSERT_TRUE(drv->destroyDomain(*a, driver::destroy_domain::kGraceful));
  ASSERT_TRUE(drv->shutdownDomain(*b, 0));
  EXPECT_EQ(drv->lookupDomainByName("a").error().code, ErrorCode::NoDomain);
  EXPECT_EQ(drv->lookupDomainByName("b").error().code, ErrorCode::NoDomain);
  EXPECT_EQ(names(0), std::vector<std::string>{"test"});
}

TEST_F(TestDriverTest, ShutdownSetsReasonAndRefusesShutOff) {
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->shutdownDomain(h, 0));
  auto state = drv->domainState(h);
  EXPECT_EQ(state->state, DomainState::Shutoff);
  EXPECT_EQ(state->reason, driver::shutoff_reason::kShutdown);
  auto again = drv->shutdownDomain(h, 0);
  ASSERT_FALSE(again);
  expectError(again.error(), ErrorCode::InternalError, "internal error: domain 'test' not running");
}

TEST_F(TestDriverTest, ShutdownOfAPausedDomainShutsItOff) {
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->suspendDomain(h));
  ASSERT_TRUE(drv->shutdownDomain(h, 0));
  EXPECT_EQ(drv->domainState(h)->state, DomainState::Shutoff);
}

TEST_F(TestDriverTest, RebootStaysRunning) {
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->rebootDomain(h, 0));
  auto state = drv->domainState(h);
  EXPECT_EQ(state->state, DomainState::Running);
  EXPECT_EQ(state->reason, driver::running_reason::kBooted);
  EXPECT_EQ(drv->lookupDomainByName("test")->id, 1);
  ASSERT_TRUE(drv->rebootDomain(h, driver::shutdown_domain::kAcpiPowerButton));
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  auto off = drv->rebootDomain(h, 0);
  ASSERT_FALSE(off);
  expectError(off.error(), ErrorCode::OperationInvalid,
              "Requested operation is not valid: domain is not running");
}

TEST_F(TestDriverTest, RebootWithOnRebootDestroyShutsOff) {
  std::string xml = domainXmlText("a", kUuidA);
  xml.replace(xml.find("</domain>"), 9, "<on_reboot>destroy</on_reboot></domain>");
  auto a = drv->createDomain(xml, 0);
  ASSERT_TRUE(a) << a.error().text();
  ASSERT_TRUE(drv->rebootDomain(*a, 0));
  EXPECT_FALSE(drv->lookupDomainByName("a"));
}

TEST_F(TestDriverTest, ResetNeedsARunningDomain) {
  DomainHandle h = defaultDomain();
  EXPECT_TRUE(drv->resetDomain(h));
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  auto off = drv->resetDomain(h);
  ASSERT_FALSE(off);
  EXPECT_EQ(off.error().code, ErrorCode::OperationInvalid);
}

TEST_F(TestDriverTest, SuspendAndResume) {
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->suspendDomain(h));
  auto paused = drv->domainState(h);
  EXPECT_EQ(paused->state, DomainState::Paused);
  EXPECT_EQ(paused->reason, driver::paused_reason::kUser);
  EXPECT_EQ(drv->domainInfo(h)->state, DomainState::Paused);
  auto twice = drv->suspendDomain(h);
  ASSERT_FALSE(twice);
  expectError(twice.error(), ErrorCode::InternalError, "internal error: domain 'test' not running");
  ASSERT_TRUE(drv->resumeDomain(h));
  auto running = drv->domainState(h);
  EXPECT_EQ(running->state, DomainState::Running);
  EXPECT_EQ(running->reason, driver::running_reason::kUnpaused);
  auto notPaused = drv->resumeDomain(h);
  ASSERT_FALSE(notPaused);
  expectError(notPaused.error(), ErrorCode::InternalError,
              "internal error: domain 'test' not paused");
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  EXPECT_EQ(drv->suspendDomain(h).error().code, ErrorCode::InternalError);
  EXPECT_EQ(drv->resumeDomain(h).error().code, ErrorCode::InternalError);
}

TEST_F(TestDriverTest, UndefineInactiveRemovesIt) {
  DomainHandle h = define("vm", kUuidA);
  ASSERT_TRUE(drv->undefineDomain(h, 0));
  EXPECT_EQ(drv->lookupDomainByName("vm").error().code, ErrorCode::NoDomain);
  EXPECT_EQ(drv->undefineDomain(h, 0).error().code, ErrorCode::NoDomain);
}

TEST_F(TestDriverTest, UndefineRunningMakesItTransient) {
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->undefineDomain(h, 0));
  EXPECT_EQ(*drv->domainIsPersistent(h), false);
  EXPECT_EQ(*drv->domainIsActive(h), true);
  auto transient = drv->undefineDomain(h, 0);
  ASSERT_FALSE(transient);
  expectError(transient.error(), ErrorCode::OperationInvalid,
              "Requested operation is not valid: cannot undefine transient domain");
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  EXPECT_FALSE(drv->lookupDomainByName("test"));
}

TEST_F(TestDriverTest, UndefineFlags) {
  DomainHandle h = define("vm", kUuidA);
  EXPECT_EQ(drv->undefineDomain(h, 1u << 20).error().code, ErrorCode::InvalidArg);
  EXPECT_TRUE(drv->undefineDomain(h, driver::undefine_domain::kNvram));
}

TEST_F(TestDriverTest, AutostartGetAndSet) {
  DomainHandle h = defaultDomain();
  EXPECT_EQ(*drv->domainAutostart(h), false);
  ASSERT_TRUE(drv->setDomainAutostart(h, true));
  EXPECT_EQ(*drv->domainAutostart(h), true);
  ASSERT_TRUE(drv->setDomainAutostart(h, false));
  EXPECT_EQ(*drv->domainAutostart(h), false);
}

TEST_F(TestDriverTest, DomainXmlOfTheDefaultDomain) {
  DomainHandle h = defaultDomain();
  auto live = drv->domainXml(h, 0);
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->starts_with("<domain type='test' id='1'>")) << *live;
  EXPECT_NE(live->find("<name>test</name>"), std::string::npos);
  EXPECT_NE(live->find(kDefaultDomainUuid), std::string::npos);
  EXPECT_NE(live->find("8388608"), std::string::npos);
  EXPECT_NE(live->find("2097152"), std::string::npos);
  auto inactive = drv->domainXml(h, driver::domain_xml::kInactive);
  ASSERT_TRUE(inactive);
  EXPECT_TRUE(inactive->starts_with("<domain type='test'>")) << *inactive;
  EXPECT_EQ(drv->domainXml(h, 1u << 9).error().code, ErrorCode::InvalidArg);
}

TEST_F(TestDriverTest, DomainXmlRoundTripsThroughDefine) {
  DomainHandle h = define("vm", kUuidA);
  auto xml = drv->domainXml(h, driver::domain_xml::kSecure);
  ASSERT_TRUE(xml);
  EXPECT_TRUE(xml->starts_with("<domain type='kvm'>")) << *xml;
  ASSERT_TRUE(drv->undefineDomain(h, 0));
  auto again = drv->defineDomain(*xml, 0);
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(*drv->domainXml(*again, driver::domain_xml::kSecure), *xml);
}

class ListFlagsTest : public TestDriverTest {
 protected:
  void SetUp() override {
    // test: persistent running; off: persistent shut off with autostart;
    // paused: transient paused; trans: transient running.
    DomainHandle off = define("off", kUuidA);
    ASSERT_TRUE(drv->setDomainAutostart(off, true));
    auto paused = drv->createDomain(domainXmlText("paused", kUuidB), 0);
    ASSERT_TRUE(paused);
    ASSERT_TRUE(drv->suspendDomain(*paused));
    ASSERT_TRUE(
        drv->createDomain(domainXmlText("trans", "12345678-1234-1234-1234-123456789abc"), 0));
  }
  using V = std::vector<std::string>;
};

TEST_F(ListFlagsTest, NoFlagsListsAll) {
  EXPECT_EQ(names(0), (V{"off", "paused", "test", "trans"}));
}

TEST_F(ListFlagsTest, ActiveInactive) {
  EXPECT_EQ(names(ld::kActive), (V{"paused", "test", "trans"}));
  EXPECT_EQ(names(ld::kInactive), (V{"off"}));
  EXPECT_EQ(names(ld::kActive | ld::kInactive), (V{"off", "paused", "test", "trans"}));
}

TEST_F(ListFlagsTest, PersistentTransient) {
  EXPECT_EQ(names(ld::kPersistent), (V{"off", "test"}));
  EXPECT_EQ(names(ld::kTransient), (V{"paused", "trans"}));
  EXPECT_EQ(names(ld::kPersistent | ld::kTransient).size(), 4u);
}

TEST_F(ListFlagsTest, States) {
  EXPECT_EQ(names(ld::kRunning), (V{"test", "trans"}));
  EXPECT_EQ(names(ld::kPaused), (V{"paused"}));
  EXPECT_EQ(names(ld::kShutoff), (V{"off"}));
  EXPECT_EQ(names(ld::kOther), (V{}));
  EXPECT_EQ(names(ld::kRunning | ld::kShutoff), (V{"off", "test", "trans"}));
}

TEST_F(ListFlagsTest, Autostart) {
  EXPECT_EQ(names(ld::kAutostart), (V{"off"}));
  EXPECT_EQ(names(ld::kNoAutostart), (V{"paused", "test", "trans"}));
}

TEST_F(ListFlagsTest, ManagedSaveSnapshotsCheckpoints) {
  EXPECT_EQ(names(ld::kManagedSave), (V{}));
  EXPECT_EQ(names(ld::kNoManagedSave).size(), 4u);
  EXPECT_EQ(names(ld::kHasSnapshot), (V{}));
  EXPECT_EQ(names(ld::kNoSnapshot).size(), 4u);
  EXPECT_EQ(names(ld::kHasCheckpoint), (V{}));
  EXPECT_EQ(names(ld::kNoCheckpoint).size(), 4u);
}

TEST_F(ListFlagsTest, GroupsCombine) {
  EXPECT_EQ(names(ld::kPersistent | ld::kActive), (V{"test"}));
  EXPECT_EQ(names(ld::kTransient | ld::kRunning), (V{"trans"}));
  EXPECT_EQ(names(ld::kInactive | ld::kNoAutostart), (V{}));
}

TEST_F(ListFlagsTest, HandlesCarryIds) {
  auto list = drv->listAllDomains(ld::kInactive);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, -1);
  auto test = drv->listAllDomains(ld::kPersistent | ld::kActive);
  ASSERT_EQ(test->size(), 1u);
  EXPECT_EQ((*test)[0].id, 1);
}

TEST_F(ListFlagsTest, UnknownFlagIsRefused) {
  auto bad = drv->listAllDomains(1u << 16);
  ASSERT_FALSE(bad);
  expectError(bad.error(), ErrorCode::InvalidArg,
              "invalid argument: unsupported flags (0x10000) in function "
              "testConnectListAllDomains");
}

TEST_F(TestDriverTest, DeviceOperationsAreNotSupportedYet) {
  DomainHandle h = defaultDomain();
  const std::string disk = "<disk type='file'><source file='/x'/><target dev='vdb'/></disk>";
  auto attach = drv->attachDevice(h, disk, 0);
  ASSERT_FALSE(attach);
  expectError(attach.error(), ErrorCode::NoSupport,
              "this function is not supported by the connection driver: "
              "virDomainAttachDeviceFlags");
  EXPECT_EQ(drv->detachDevice(h, disk, 0).error().text(),
            "this function is not supported by the connection driver: "
            "virDomainDetachDeviceFlags");
  EXPECT_EQ(drv->updateDevice(h, disk, 0).error().text(),
            "this function is not supported by the connection driver: "
            "virDomainUpdateDeviceFlags");
  EXPECT_EQ(drv->blockInfo(h, "vda").error().text(),
            "this function is not supported by the connection driver: virDomainGetBlockInfo");
}

// Many threads creating and destroying transient guests: every id is handed out once.
TEST_F(TestDriverTest, ConcurrentCreatesGetDistinctIds) {
  constexpr int kThreads = 4, kPerThread = 25;
  std::vector<std::vector<int>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto h = drv->createDomain(
            domainXmlText("g" + std::to_string(t) + "-" + std::to_string(i), ""), 0);
        if (!h)
          continue;
        ids[t].push_back(h->id);
        (void)drv->destroyDomain(*h, 0);
      }
    });
  for (auto& th : threads)
    th.join();
  std::vector<int> all;
  for (auto& v : ids)
    all.insert(all.end(), v.begin(), v.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_EQ(all.front(), 2);
  EXPECT_EQ(all.back(), 1 + kThreads * kPerThread);
  EXPECT_EQ(names(0), std::vector<std::string>{"test"});
}

// --- lifecycle events, as libvirt's test driver queues them ---

using driver::DomainEventType;
using driver::DomainLifecycleEvent;
namespace ed = driver::event_detail;

struct Seen {
  std::string name;
  int id;
  DomainEventType type;
  int detail;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{" << s.name << " id " << s.id << " type " << static_cast<int>(s.type) << " detail "
            << s.detail << "}";
}

class TestDriverEvents : public TestDriverTest {
 protected:
  TestDriverEvents() {
    busId_ = drv->events().subscribe([this](const DomainLifecycleEvent& e) {
      seen_.push_back(Seen{e.dom.name, e.dom.id, e.type, e.detail});
    });
  }
  ~TestDriverEvents() override { drv->events().unsubscribe(busId_); }

  std::vector<Seen> take() { return std::exchange(seen_, {}); }

  std::vector<Seen> seen_;
  std::uint64_t busId_ = 0;
};

TEST_F(TestDriverEvents, FullLifecycleOfAPersistentGuest) {
  DomainHandle h = define("vm", kUuidA);
  ASSERT_TRUE(drv->startDomain(h, 0));
  ASSERT_TRUE(drv->suspendDomain(h));
  ASSERT_TRUE(drv->resumeDomain(h));
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  ASSERT_TRUE(drv->undefineDomain(h, 0));
  EXPECT_EQ(take(), (std::vector<Seen>{
                        {"vm", -1, DomainEventType::Defined, ed::defined::kAdded},
                        {"vm", 2, DomainEventType::Started, ed::started::kBooted},
                        {"vm", 2, DomainEventType::Suspended, ed::suspended::kPaused},
                        {"vm", 2, DomainEventType::Resumed, ed::resumed::kUnpaused},
                        {"vm", -1, DomainEventType::Stopped, ed::stopped::kDestroyed},
                        {"vm", -1, DomainEventType::Undefined, ed::undefined::kRemoved},
                    }));
}

TEST_F(TestDriverEvents, RedefineIsUpdatedAndCarriesTheRunningId) {
  define("vm", kUuidA);
  define("vm", kUuidA);
  ASSERT_TRUE(drv->defineDomain(domainXmlText("test", kDefaultDomainUuid), 0));
  EXPECT_EQ(take(), (std::vector<Seen>{
                        {"vm", -1, DomainEventType::Defined, ed::defined::kAdded},
                        {"vm", -1, DomainEventType::Defined, ed::defined::kUpdated},
                        {"test", 1, DomainEventType::Defined, ed::defined::kUpdated},
                    }));
}

TEST_F(TestDriverEvents, ShutdownSendsOnlyStoppedShutdown) {
  ASSERT_TRUE(drv->shutdownDomain(defaultDomain(), 0));
  EXPECT_EQ(take(), (std::vector<Seen>{
                        {"test", -1, DomainEventType::Stopped, ed::stopped::kShutdown},
                    }));
}

TEST_F(TestDriverEvents, CreateOfATransientGuestAndItsEnd) {
  auto a = drv->createDomain(domainXmlText("a", kUuidA), 0);
  ASSERT_TRUE(a);
  ASSERT_TRUE(drv->shutdownDomain(*a, 0));
  auto b = drv->createDomain(domainXmlText("b", kUuidB), driver::start_domain::kPaused);
  ASSERT_TRUE(b);
  ASSERT_TRUE(drv->destroyDomain(*b, 0));
  EXPECT_EQ(take(), (std::vector<Seen>{
                        {"a", 2, DomainEventType::Started, ed::started::kBooted},
                        {"a", -1, DomainEventType::Stopped, ed::stopped::kShutdown},
                        {"b", 3, DomainEventType::Started, ed::started::kBooted},
                        {"b", 3, DomainEventType::Suspended, ed::suspended::kPaused},
                        {"b", -1, DomainEventType::Stopped, ed::stopped::kDestroyed},
                    }));
}

TEST_F(TestDriverEvents, RebootAndResetThatKeepRunningSendNothing) {
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->rebootDomain(h, 0));
  ASSERT_TRUE(drv->resetDomain(h));
  EXPECT_TRUE(take().empty());
  std::string xml = domainXmlText("a", kUuidA);
  xml.replace(xml.find("</domain>"), 9, "<on_reboot>destroy</on_reboot></domain>");
  auto a = drv->createDomain(xml, 0);
  ASSERT_TRUE(a);
  ASSERT_TRUE(drv->rebootDomain(*a, 0));
  EXPECT_EQ(take(), (std::vector<Seen>{
                        {"a", 2, DomainEventType::Started, ed::started::kBooted},
                        {"a", -1, DomainEventType::Stopped, ed::stopped::kShutdown},
                    }));
}

TEST_F(TestDriverEvents, FailedOperationsSendNothing) {
  DomainHandle h = defaultDomain();
  EXPECT_FALSE(drv->resumeDomain(h));
  EXPECT_FALSE(drv->startDomain(h, 0));
  EXPECT_FALSE(drv->defineDomain(domainXmlText("test", kUuidA), 0));  // name taken
  EXPECT_FALSE(drv->createDomain("<domain", 0));
  EXPECT_TRUE(take().empty());
}

// Events are published after the driver's lock is released: a listener may call it.
TEST_F(TestDriverEvents, ListenerMayCallTheDriver) {
  std::vector<DomainState> states;
  auto id = drv->events().subscribe([&](const DomainLifecycleEvent& e) {
    auto st = drv->domainState(e.dom);
    states.push_back(st ? st->state : DomainState::NoState);
  });
  DomainHandle h = defaultDomain();
  ASSERT_TRUE(drv->suspendDomain(h));
  ASSERT_TRUE(drv->destroyDomain(h, 0));
  drv->events().unsubscribe(id);
  EXPECT_EQ(states, (std::vector<DomainState>{DomainState::Paused, DomainState::Shutoff}));
}

}  // namespace
}  // namespace virtus::testdrv
