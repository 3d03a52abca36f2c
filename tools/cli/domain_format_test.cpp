// The domain commands' output against what virsh 9.0 prints for the same data (texts taken
// from `virsh -c test:///default`).
#include "cli/domain_format.h"

#include <gtest/gtest.h>

#include "driver/domain_flags.h"

namespace virtus::cli {
namespace {

using driver::DomainState;

driver::DomainHandle handle(const std::string& name, int id, const char* uuid) {
  return {name, *Uuid::parse(uuid), id};
}

constexpr const char* kTestUuid = "6695eb01-f6a4-8304-79aa-97f2502e193f";
constexpr const char* kT2Uuid = "d3865dff-6ef2-4bb0-879f-f787aaf53455";

DomainListRow row(const std::string& name, int id, const char* uuid, DomainState state) {
  return {handle(name, id, uuid), driver::DomainStateReason{state, 0}, std::nullopt, std::nullopt};
}

TEST(DomainFormat, StateAndReasonWordsAreVirshs) {
  EXPECT_EQ(domainStateName(DomainState::Running), "running");
  EXPECT_EQ(domainStateName(DomainState::Blocked), "idle");
  EXPECT_EQ(domainStateName(DomainState::Shutdown), "in shutdown");
  EXPECT_EQ(domainStateName(DomainState::Shutoff), "shut off");
  EXPECT_EQ(domainStateName(DomainState::PmSuspended), "pmsuspended");
  EXPECT_EQ(domainStateName(DomainState::NoState), "no state");
  EXPECT_EQ(domainReasonName(DomainState::Running, driver::running_reason::kBooted), "booted");
  EXPECT_EQ(domainReasonName(DomainState::Running, driver::running_reason::kUnpaused), "unpaused");
  EXPECT_EQ(domainReasonName(DomainState::Paused, driver::paused_reason::kUser), "user");
  EXPECT_EQ(domainReasonName(DomainState::Paused, driver::paused_reason::kIoError), "I/O error");
  EXPECT_EQ(domainReasonName(DomainState::Paused, driver::paused_reason::kStartingUp),
            "starting up");
  EXPECT_EQ(domainReasonName(DomainState::Shutoff, driver::shutoff_reason::kDestroyed),
            "destroyed");
  EXPECT_EQ(domainReasonName(DomainState::Shutoff, driver::shutoff_reason::kDaemon), "daemon");
  EXPECT_EQ(domainReasonName(DomainState::Crashed, 1), "panicked");
  // Numbers virsh 9.0 does not know.
  EXPECT_EQ(domainReasonName(DomainState::Paused, 14), "unknown");
  EXPECT_EQ(domainReasonName(DomainState::Shutoff, -1), "unknown");
  EXPECT_EQ(domainStateLine({DomainState::Shutoff, driver::shutoff_reason::kShutdown}, true),
            "shut off (shutdown)\n");
  EXPECT_EQ(domainStateLine({DomainState::Running, 0}, false), "running\n");
}

TEST(DomainFormat, ListFlagsAsVirshBuildsThem) {
  namespace f = driver::list_domains;
  DomainListOptions o;
  EXPECT_EQ(domainListFlags(o), f::kActive);
  o.all = true;
  EXPECT_EQ(domainListFlags(o), f::kActive | f::kInactive);
  o = {};
  o.stateShutoff = true;  // virsh: shut-off guests are inactive ones
  EXPECT_EQ(domainListFlags(o), f::kInactive | f::kShutoff);
  o = {};
  o.stateRunning = true;
  o.statePaused = true;
  o.persistent = true;
  EXPECT_EQ(domainListFlags(o), f::kActive | f::kRunning | f::kPaused | f::kPersistent);
  o = {};
  o.inactive = true;
  o.autostart = true;
  EXPECT_EQ(domainListFlags(o), f::kInactive | f::kAutostart);
}

TEST(DomainFormat, ListTableMatchesVirsh) {
  std::vector<DomainListRow> rows = {row("test", 1, kTestUuid, DomainState::Running)};
  EXPECT_EQ(renderDomainList(rows, {}, false),
            " Id   Name   State\n"
            "----------------------\n"
            " 1    test   running\n");
  rows = {row("test", -1, kTestUuid, DomainState::Shutoff)};
  EXPECT_EQ(renderDomainList(rows, {}, false),
            " Id   Name   State\n"
            "-----------------------\n"
            " -    test   shut off\n");
  EXPECT_EQ(renderDomainList({}, {}, false),
            " Id   Name   State\n"
            "--------------------\n");
  // virsh -q: the missing header does not widen the columns.
  EXPECT_EQ(renderDomainList(rows, {}, true), " -   test   shut off\n");
}

TEST(DomainFormat, ListSortsRunningByIdThenOthersByName) {
  std::vector<DomainListRow> rows = {row("zeta", -1, kT2Uuid, DomainState::Shutoff),
                                     row("b", 7, kTestUuid, DomainState::Paused),
                                     row("Alpha", -1, kT2Uuid, DomainState::Shutoff),
                                     row("c", 2, kTestUuid, DomainState::Running)};
  sortDomainRows(rows);
  std::vector<std::string> names;
  for (const auto& r : rows)
    names.push_back(r.handle.name);
  EXPECT_EQ(names, (std::vector<std::string>{"c", "b", "Alpha", "zeta"}));
}

TEST(DomainFormat, ListNameUuidIdLinesMatchVirsh) {
  std::vector<DomainListRow> rows = {row("test", 1, kTestUuid, DomainState::Running),
                                     row("t2", -1, kT2Uuid, DomainState::Shutoff)};
  DomainListOptions o;
  o.name = true;
  EXPECT_EQ(renderDomainList(rows, o, false), "test\nt2\n");
  o = {};
  o.id = true;  // alone: running guests only
  EXPECT_EQ(renderDomainList(rows, o, false), "1\n");
  o.name = true;
  EXPECT_EQ(renderDomainList(rows, o, false), "1 test\n- t2\n");
  o.uuid = true;
  EXPECT_EQ(renderDomainList(rows, o, false),
            std::string(kTestUuid) + " 1 test\n" + kT2Uuid + " - t2\n");
}

TEST(DomainFormat, ListJson) {
  DomainListRow r = row("t2", -1, kT2Uuid, DomainState::Shutoff);
  r.state->reason = driver::shutoff_reason::kDestroyed;
  r.persistent = true;
  r.autostart = false;
  DomainListRow gone{handle("gone", 3, kTestUuid), std::nullopt, std::nullopt, std::nullopt};
  DomainListOptions o;
  o.json = true;
  auto parsed = nlohmann::json::parse(renderDomainList({r, gone}, o, false));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0], nlohmann::json({{"id", nullptr},
                                       {"name", "t2"},
                                       {"uuid", kT2Uuid},
                                       {"state", "shut off"},
                                       {"reason", "destroyed"},
                                       {"persistent", true},
                                       {"autostart", false}}));
  EXPECT_EQ(parsed[1]["id"], 3);
  EXPECT_TRUE(parsed[1]["state"].is_null());
  EXPECT_TRUE(parsed[1]["persistent"].is_null());
}

DomainInfoView testDomainView() {
  DomainInfoView v;
  v.handle = handle("test", 1, kTestUuid);
  v.osType = "linux";
  v.info = driver::DomainInfo{DomainState::Running, 8388608, 2097152, 2, 1796436432900000000};
  v.persistent = true;
  v.autostart = false;
  v.managedSave = false;
  v.securityModel = "testSecurity";
  v.securityLabel = "libvirt-test";
  v.securityEnforcing = true;
  return v;
}

TEST(DomainFormat, DominfoMatchesVirsh) {
  EXPECT_EQ(renderDomainInfo(testDomainView()),
            "Id:             1\n"
            "Name:           test\n"
            "UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f\n"
            "OS Type:        linux\n"
            "State:          running\n"
            "CPU(s):         2\n"
            "CPU time:       1796436432.9s\n"
            "Max memory:     8388608 KiB\n"
            "Used memory:    2097152 KiB\n"
            "Persistent:     yes\n"
            "Autostart:      disable\n"
            "Managed save:   no\n"
            "Security model: testSecurity\n"
            "Security DOI:   \n"
            "Security label: libvirt-test (enforcing)\n");
}

TEST(DomainFormat, DominfoLeavesOutWhatVirshLeavesOut) {
  DomainInfoView v = testDomainView();
  v.handle.id = -1;
  v.osType.reset();
  v.info->state = DomainState::Shutoff;
  v.info->cpuTimeNs = 0;           // not printed
  v.info->maxMemKiB = 4294967295;  // UINT_MAX: "no limit"
  v.persistent.reset();            // "unknown"
  v.autostart.reset();             // left out
  v.managedSave.reset();           // "unknown"
  v.securityModel.clear();         // no security lines at all
  v.messages = {"tainted: custom monitor control commands issued", "second"};
  EXPECT_EQ(renderDomainInfo(v),
            "Id:             -\n"
            "Name:           test\n"
            "UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f\n"
            "State:          shut off\n"
            "CPU(s):         2\n"
            "Max memory:     no limit\n"
            "Used memory:    2097152 KiB\n"
            "Persistent:     unknown\n"
            "Managed save:   unknown\n"
            "Messages:       tainted: custom monitor control commands issued\n"
            "                second\n");
}

TEST(DomainFormat, DominfoJson) {
  auto j = domainInfoJson(testDomainView());
  EXPECT_EQ(j["id"], 1);
  EXPECT_EQ(j["name"], "test");
  EXPECT_EQ(j["osType"], "linux");
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["vcpus"], 2);
  EXPECT_EQ(j["cpuTimeNs"], 1796436432900000000u);
  EXPECT_EQ(j["maxMemoryKiB"], 8388608);
  EXPECT_EQ(j["memoryKiB"], 2097152);
  EXPECT_EQ(j["persistent"], true);
  EXPECT_EQ(j["autostart"], false);
  EXPECT_EQ(j["managedSave"], false);
  EXPECT_EQ(j["securityModel"], "testSecurity");
  EXPECT_EQ(j["securityDoi"], "");
  EXPECT_EQ(j["securityLabel"], "libvirt-test");
  EXPECT_EQ(j["securityEnforcing"], true);
  EXPECT_EQ(j["messages"], nlohmann::json::array());
  DomainInfoView bare;
  bare.handle = handle("x", -1, kT2Uuid);
  j = domainInfoJson(bare);
  EXPECT_TRUE(j["id"].is_null());
  EXPECT_TRUE(j["state"].is_null());
  EXPECT_TRUE(j["securityModel"].is_null());
  EXPECT_TRUE(j["securityEnforcing"].is_null());
}

TEST(DomainFormat, BlockInfoMatchesVirsh) {
  driver::BlockInfo info{1099506450432, 1099511627776, 1099511627776};
  EXPECT_EQ(renderBlockInfo(info, false),
            "Capacity:       1099506450432\n"
            "Allocation:     1099511627776\n"
            "Physical:       1099511627776\n");
  EXPECT_EQ(renderBlockInfo(info, true),
            "Capacity:       1023.995 GiB\n"
            "Allocation:     1.000 TiB\n"
            "Physical:       1.000 TiB\n");
  EXPECT_EQ(renderBlockInfo({512, 0, 2048}, true),
            "Capacity:       512.000 B\n"
            "Allocation:     0.000 B\n"
            "Physical:       2.000 KiB\n");
}

}  // namespace
}  // namespace virtus::cli
