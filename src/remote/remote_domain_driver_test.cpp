// The remote domain driver against the real traffic of ../shared/wire-captures (virsh on
// libvirtd's test:///default): a fake daemon replays libvirtd's frames, and the driver's
// frames must equal virsh's byte for byte. Calls virsh never made are checked against a
// scripted daemon that decodes what the driver sent.
#include "remote/remote_domain_driver.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <sstream>

#include "remote/remote_connection.h"
#include "rpc/client_test_peer.h"
#include "rpc/remote_error.h"

namespace virtus::remote {
namespace {

using rpc::testing::CapturedFrame;
using rpc::testing::PeerSocket;

constexpr const char* kWiredomUuid = "5b0d9a3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

struct Replay {
  std::unique_ptr<rpc::RpcClient> client;
  std::unique_ptr<PeerSocket> peer;
  std::future<std::string> server;
};

Replay startReplay(const std::string& fixture) {
  Replay r;
  auto frames = rpc::testing::readCapture(rpc::testing::capturesDir() + "/" + fixture + ".hex");
  EXPECT_FALSE(frames.empty()) << fixture;
  auto [clientFd, serverFd] = rpc::testing::socketPair();
  r.client = rpc::RpcClient::adoptSocket(clientFd);
  r.peer = std::make_unique<PeerSocket>(serverFd);
  r.server = std::async(std::launch::async, [peer = r.peer.get(), frames] {
    return rpc::testing::replayServer(*peer, frames);
  });
  return r;
}

// Runs `body` on the connection virsh opened for the capture; the whole capture, closing
// included, must have been replayed.
template <class Body>
void replay(const std::string& fixture, Body body) {
  Replay r = startReplay(fixture);
  {
    auto conn = openRemoteConnectionOn(std::move(r.client), "test:///default",
                                       "test+unix:///default?socket=x");
    ASSERT_TRUE(conn) << conn.error().text();
    driver::DomainDriver* domains = (*conn)->domains();
    ASSERT_NE(domains, nullptr);
    body(*static_cast<RemoteDomainDriver*>(domains));
  }
  EXPECT_EQ(r.server.get(), "") << fixture;
}

TEST(RemoteDomainDriver, ListAllWithStatesMatchesVirsh) {
  replay("dom_list_all", [](RemoteDomainDriver& d) {
    auto list = d.listAllDomains(driver::list_domains::kActive | driver::list_domains::kInactive);
    ASSERT_TRUE(list) << list.error().text();
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].name, "test");
    EXPECT_EQ((*list)[0].uuid.str(), "6695eb01-f6a4-8304-79aa-97f2502e193f");
    EXPECT_EQ((*list)[0].id, 1);
    auto state = d.domainState((*list)[0]);
    ASSERT_TRUE(state) << state.error().text();
    EXPECT_EQ(state->state, driver::DomainState::Running);
    EXPECT_EQ(state->reason, driver::running_reason::kUnknown);
  });
}

TEST(RemoteDomainDriver, DominfoQuestionsMatchVirsh) {
  replay("dom_dominfo", [](RemoteDomainDriver& d) {
    auto dom = d.lookupDomainByName("wiredom");
    ASSERT_TRUE(dom) << dom.error().text();
    EXPECT_EQ(dom->uuid.str(), kWiredomUuid);
    EXPECT_EQ(dom->id, 5);
    auto os = d.osType(*dom);
    ASSERT_TRUE(os);
    EXPECT_EQ(*os, "linux");
    auto info = d.domainInfo(*dom);
    ASSERT_TRUE(info) << info.error().text();
    EXPECT_EQ(info->state, driver::DomainState::Running);
    EXPECT_EQ(info->maxMemKiB, 65536u);
    EXPECT_EQ(info->memoryKiB, 65536u);
    EXPECT_EQ(info->vcpus, 1u);
    EXPECT_EQ(info->cpuTimeNs, 1795318729020576000u);
    EXPECT_EQ(d.domainIsPersistent(*dom).value_or(false), true);
    auto autostart = d.domainAutostart(*dom);
    ASSERT_TRUE(autostart);
    EXPECT_FALSE(*autostart);
    auto saved = d.hasManagedSaveImage(*dom);
    ASSERT_TRUE(saved);
    EXPECT_FALSE(*saved);
    auto model = d.nodeSecurityModel();
    ASSERT_TRUE(model) << model.error().text();
    EXPECT_EQ(model->model, "testSecurity");
    EXPECT_EQ(model->doi, "");
    auto label = d.securityLabel(*dom);
    ASSERT_TRUE(label) << label.error().text();
    EXPECT_EQ(label->label, "libvirt-test");
    EXPECT_TRUE(label->enforcing);
    auto messages = d.messages(*dom);
    ASSERT_TRUE(messages);
    EXPECT_TRUE(messages->empty());
  });
}

TEST(RemoteDomainDriver, LookupMissCarriesTheDaemonsError) {
  replay("dom_dominfo_missing", [](RemoteDomainDriver& d) {
    auto dom = d.lookupDomainByName("wiredom");
    ASSERT_FALSE(dom);
    EXPECT_EQ(dom.error().code, ErrorCode::NoDomain);
    EXPECT_EQ(dom.error().domain, ErrorDomain::Test);
  });
}

TEST(RemoteDomainDriver, LookupByIdAndUuidMatchVirsh) {
  replay("dom_dominfo_by_id", [](RemoteDomainDriver& d) {
    auto dom = d.lookupDomainById(1);
    ASSERT_TRUE(dom) << dom.error().text();
    EXPECT_EQ(dom->name, "test");
    // The rest of virsh's dominfo, to finish the capture.
    (void)d.osType(*dom);
    (void)d.domainInfo(*dom);
    (void)d.domainIsPersistent(*dom);
    (void)d.domainAutostart(*dom);
    (void)d.hasManagedSaveImage(*dom);
    (void)d.nodeSecurityModel();
    (void)d.securityLabel(*dom);
    (void)d.messages(*dom);
  });
}

std::string readInput(const std::string& name) {
  std::ifstream in(rpc::testing::capturesDir() + "/inputs/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RemoteDomainDriver, DefineWithoutFlagsUsesVirDomainDefineXml) {
  std::string xml = readInput("dom.xml");
  ASSERT_FALSE(xml.empty());
  replay("dom_define", [&](RemoteDomainDriver& d) {
    auto dom = d.defineDomain(xml, 0);
    ASSERT_TRUE(dom) << dom.error().text();
    EXPECT_EQ(dom->name, "wiredom");
    EXPECT_EQ(dom->uuid.str(), kWiredomUuid);
    EXPECT_EQ(dom->id, -1);
  });
}

TEST(RemoteDomainDriver, StartLooksTheGuestUpForItsId) {
  replay("dom_start", [](RemoteDomainDriver& d) {
    auto dom = d.lookupDomainByName("wiredom");
    ASSERT_TRUE(dom);
    EXPECT_EQ(dom->id, -1);
    auto started = d.startDomain(*dom, 0);
    ASSERT_TRUE(started) << started.error().text();
    EXPECT_EQ(started->name, "wiredom");
    EXPECT_EQ(started->id, 5);
  });
}

TEST(RemoteDomainDriver, LifecycleCallsMatchVirsh) {
  using Action = Result<void> (*)(RemoteDomainDriver&, const driver::DomainHandle&);
  const std::pair<const char*, Action> cases[] = {
      {"dom_destroy",
       [](RemoteDomainDriver& d, const driver::DomainHandle& h) { return d.destroyDomain(h, 0); }},
      {"dom_suspend",
       [](RemoteDomainDriver& d, const driver::DomainHandle& h) { return d.suspendDomain(h); }},
      {"dom_resume",
       [](RemoteDomainDriver& d, const driver::DomainHandle& h) { return d.resumeDomain(h); }},
      {"dom_shutdown",
       [](RemoteDomainDriver& d, const driver::DomainHandle& h) { return d.shutdownDomain(h, 0); }},
  };
  for (const auto& [fixture, action] : cases) {
    replay(fixture, [&, action = action](RemoteDomainDriver& d) {
      auto dom = d.lookupDomainByName("wiredom");
      ASSERT_TRUE(dom) << fixture;
      auto done = action(d, *dom);
      EXPECT_TRUE(done) << fixture << ": " << done.error().text();
    });
  }
}

TEST(RemoteDomainDriver, DumpXmlMatchesVirsh) {
  replay("dom_dumpxml", [](RemoteDomainDriver& d) {
    auto dom = d.lookupDomainByName("wiredom");
    ASSERT_TRUE(dom);
    auto xml = d.domainXml(*dom, 0);
    ASSERT_TRUE(xml) << xml.error().text();
    EXPECT_EQ(xml->rfind("<domain type='test' id='5'>\n  <name>wiredom</name>\n", 0), 0u);
  });
}

// --- calls without a capture: a scripted daemon --------------------------------------------

rpc::MessageHeader replyTo(const rpc::MessageHeader& call,
                           rpc::MessageStatus status = rpc::MessageStatus::Ok) {
  rpc::MessageHeader h = call;
  h.type = rpc::MessageType::Reply;
  h.status = status;
  return h;
}

struct Scripted {
  std::unique_ptr<RemoteDomainDriver> driver;
  std::unique_ptr<rpc::RpcClient> client;
  std::unique_ptr<PeerSocket> peer;
};

Scripted scripted() {
  Scripted s;
  auto [clientFd, serverFd] = rpc::testing::socketPair();
  s.client = rpc::RpcClient::adoptSocket(clientFd);
  s.peer = std::make_unique<PeerSocket>(serverFd);
  s.driver = std::make_unique<RemoteDomainDriver>(*s.client);
  return s;
}

driver::DomainHandle wiredom() {
  return {"wiredom", *Uuid::parse(kWiredomUuid), 5};
}

// Answers one call: checks its procedure and decodes its arguments into `args`, then sends
// `ret`. Returns "" or what went wrong.
template <class Args, class Ret>
std::string answer(PeerSocket& peer, rpc::remote::Proc proc, Args& args, const Ret& ret) {
  auto call = peer.receiveMessage();
  if (!call)
    return "no call came";
  if (call->header.procedure != static_cast<std::int32_t>(proc))
    return "procedure " + std::to_string(call->header.procedure);
  if (!rpc::xdrDecodeAll(call->payload, args))
    return "undecodable arguments";
  peer.send(replyTo(call->header), rpc::xdrEncodeToString(ret));
  return "";
}

TEST(RemoteDomainDriver, AttachDeviceSendsXmlAndFlags) {
  Scripted s = scripted();
  rpc::remote::DomainXmlFlagsArgs got;
  auto server = std::async(std::launch::async, [&] {
    return answer(*s.peer, rpc::remote::Proc::DomainAttachDeviceFlags, got, rpc::Void{});
  });
  auto done =
      s.driver->attachDevice(wiredom(), "<disk/>", driver::affect::kLive | driver::affect::kConfig);
  ASSERT_EQ(server.get(), "");
  ASSERT_TRUE(done) << done.error().text();
  EXPECT_EQ(got.dom.name, "wiredom");
  EXPECT_EQ(got.dom.id, 5);
  EXPECT_EQ(got.xml, "<disk/>");
  EXPECT_EQ(got.flags, 3u);
}

TEST(RemoteDomainDriver, BlockInfoDecodesTheThreeSizes) {
  Scripted s = scripted();
  rpc::remote::DomainXmlFlagsArgs got;
  rpc::remote::DomainGetBlockInfoRet ret{10, 20, 30};  // allocation, capacity, physical
  auto server = std::async(std::launch::async, [&] {
    return answer(*s.peer, rpc::remote::Proc::DomainGetBlockInfo, got, ret);
  });
  auto info = s.driver->blockInfo(wiredom(), "vda");
  ASSERT_EQ(server.get(), "");
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_EQ(got.xml, "vda");
  EXPECT_EQ(info->allocation, 10u);
  EXPECT_EQ(info->capacity, 20u);
  EXPECT_EQ(info->physical, 30u);
}

TEST(RemoteDomainDriver, BlockStatsSendsThePathAndDecodesCounters) {
  Scripted s = scripted();
  rpc::remote::DomainBlockStatsArgs got;
  rpc::remote::DomainBlockStatsRet ret{1, 512, 2, 1024, -1};
  auto server = std::async(std::launch::async, [&] {
    return answer(*s.peer, rpc::remote::Proc::DomainBlockStats, got, ret);
  });
  auto stats = s.driver->blockStats(wiredom(), "vdb");
  ASSERT_EQ(server.get(), "");
  ASSERT_TRUE(stats) << stats.error().text();
  EXPECT_EQ(got.path, "vdb");
  EXPECT_EQ(stats->rdReq, 1);
  EXPECT_EQ(stats->rdBytes, 512);
  EXPECT_EQ(stats->wrReq, 2);
  EXPECT_EQ(stats->wrBytes, 1024);
  EXPECT_EQ(stats->errs, -1);
}

TEST(RemoteDomainDriver, FlaggedCallsUseTheFlagsProcedures) {
  Scripted s = scripted();
  rpc::remote::HandleFlags<rpc::remote::Domain> got;
  auto server = std::async(std::launch::async, [&]() -> std::string {
    rpc::remote::HandleValue<rpc::remote::Domain> started{{"wiredom", wiredom().uuid, 7}};
    if (auto e = answer(*s.peer, rpc::remote::Proc::DomainCreateWithFlags, got, started);
        !e.empty())
      return "start: " + e;
    if (got.flags != driver::start_domain::kPaused)
      return "start flags " + std::to_string(got.flags);
    if (auto e = answer(*s.peer, rpc::remote::Proc::DomainDestroyFlags, got, rpc::Void{});
        !e.empty())
      return "destroy: " + e;
    if (got.flags != driver::destroy_domain::kGraceful)
      return "destroy flags " + std::to_string(got.flags);
    if (auto e = answer(*s.peer, rpc::remote::Proc::DomainUndefineFlags, got, rpc::Void{});
        !e.empty())
      return "undefine: " + e;
    return "";
  });
  auto started = s.driver->startDomain(wiredom(), driver::start_domain::kPaused);
  ASSERT_TRUE(started) << started.error().text();
  EXPECT_EQ(started->id, 7);
  EXPECT_TRUE(s.driver->destroyDomain(wiredom(), driver::destroy_domain::kGraceful));
  EXPECT_TRUE(s.driver->undefineDomain(wiredom(), 0));
  EXPECT_EQ(server.get(), "");
}

TEST(RemoteDomainDriver, AutostartRebootResetAndStateReason) {
  Scripted s = scripted();
  auto server = std::async(std::launch::async, [&]() -> std::string {
    rpc::remote::HandleInt<rpc::remote::Domain> autostart;
    if (auto e = answer(*s.peer, rpc::remote::Proc::DomainSetAutostart, autostart, rpc::Void{});
        !e.empty() || autostart.value != 1)
      return "autostart: " + e;
    rpc::remote::HandleFlags<rpc::remote::Domain> flags;
    if (auto e = answer(*s.peer, rpc::remote::Proc::DomainReboot, flags, rpc::Void{}); !e.empty())
      return "reboot: " + e;
    if (auto e = answer(*s.peer, rpc::remote::Proc::DomainReset, flags, rpc::Void{}); !e.empty())
      return "reset: " + e;
    rpc::remote::DomainGetStateRet state{3, 1};  // paused, by the user
    if (auto e = answer(*s.peer, rpc::remote::Proc::DomainGetState, flags, state); !e.empty())
      return "state: " + e;
    return "";
  });
  EXPECT_TRUE(s.driver->setDomainAutostart(wiredom(), true));
  EXPECT_TRUE(s.driver->rebootDomain(wiredom(), 0));
  EXPECT_TRUE(s.driver->resetDomain(wiredom()));
  auto state = s.driver->domainState(wiredom());
  EXPECT_EQ(server.get(), "");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->state, driver::DomainState::Paused);
  EXPECT_EQ(state->reason, driver::paused_reason::kUser);
}

TEST(RemoteDomainDriver, ErrorAnswerBecomesTheResultsError) {
  Scripted s = scripted();
  auto server = std::async(std::launch::async, [&]() -> bool {
    auto call = s.peer->receiveMessage();
    if (!call)
      return false;
    Error e = makeError(ErrorCode::OperationInvalid, ErrorDomain::Domain, "domain is not running");
    return s.peer->send(replyTo(call->header, rpc::MessageStatus::Error),
                        rpc::xdrEncodeToString(rpc::toRemoteError(e)));
  });
  auto done = s.driver->suspendDomain(wiredom());
  ASSERT_TRUE(server.get());
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(done.error().text(), "Requested operation is not valid: domain is not running");
}

}  // namespace
}  // namespace virtus::remote
