// Golden iscsiadm command lines (libvirt 9.0's) and the parsers on replayed iscsiadm output
// (testdata/, see its README: no kernel initiator runs here).
#include "storage/backends/iscsi/iscsiadm_commands.h"

#include <gtest/gtest.h>

#include <cstring>

#include "common/sha256.h"
#include "storage/backends/iscsi/iscsi_test_support.h"
#include "storage/backends/iscsi/iscsiadm_output.h"
#include "storage/backends/scsi/scsi_commands.h"

namespace virtus::storage::iscsi {
namespace {

using testing::testdata;
using Argv = std::vector<std::string>;

Argv argv(const os::Command& cmd) {
  Argv v{cmd.program};
  v.insert(v.end(), cmd.args.begin(), cmd.args.end());
  return v;
}

model::PoolSource source(std::string host, std::optional<int> port = std::nullopt) {
  model::PoolSource s;
  s.hosts.push_back({std::move(host), port});
  return s;
}

TEST(IscsiadmCommandsRecorded, PortalCarriesTheDefaultPortAndTag) {
  EXPECT_EQ(*portalOf(source("192.0.2.10")), "192.0.2.10:3260,1");
  EXPECT_EQ(*portalOf(source("san.example.com", 3261)), "san.example.com:3261,1");
  EXPECT_EQ(*portalOf(source("2001:db8::10")), "[2001:db8::10]:3260,1");

  model::PoolSource none;
  auto noHost = portalOf(none);
  ASSERT_FALSE(noHost);
  EXPECT_EQ(noHost.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(noHost.error().message, "Expected exactly 1 host for the storage pool");
  model::PoolSource two = source("a");
  two.hosts.push_back({"b", std::nullopt});
  EXPECT_FALSE(portalOf(two));
}

TEST(IscsiadmCommandsRecorded, GoldenCommandLines) {
  const std::string p = "192.0.2.10:3260,1";
  const std::string t = "iqn.2024-01.org.example:store";
  EXPECT_EQ(argv(buildSessionList()), (Argv{"iscsiadm", "--mode", "session"}));
  EXPECT_EQ(argv(buildRescan("3")), (Argv{"iscsiadm", "--mode", "session", "-r", "3", "-R"}));
  EXPECT_EQ(argv(buildNodeNew(p, t)),
            (Argv{"iscsiadm", "--mode", "node", "--portal", p, "--targetname", t, "--op", "new"}));
  EXPECT_EQ(argv(buildNodeUpdate(p, t, "node.session.auth.username", "admin")),
            (Argv{"iscsiadm", "--mode", "node", "--portal", p, "--target", t, "--op", "update",
                  "--name", "node.session.auth.username", "--value", "admin"}));
  EXPECT_EQ(argv(buildIfaceList()), (Argv{"iscsiadm", "--mode", "iface"}));
  EXPECT_EQ(argv(buildIfaceNew("libvirt-iface-0000abcd")),
            (Argv{"iscsiadm", "--mode", "iface", "--interface", "libvirt-iface-0000abcd", "--op",
                  "new"}));
  EXPECT_EQ(argv(buildIfaceSetInitiator("libvirt-iface-0000abcd", "iqn.x:i")),
            (Argv{"iscsiadm", "--mode", "iface", "--interface", "libvirt-iface-0000abcd", "--op",
                  "update", "--name", "iface.initiatorname", "--value", "iqn.x:i"}));
  EXPECT_EQ(argv(buildDiscovery(p, false, std::nullopt)),
            (Argv{"iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal", p, "--op",
                  "nonpersistent"}));
  EXPECT_EQ(argv(buildDiscovery(p, true, std::string("if0"))),
            (Argv{"iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal", p,
                  "--interface", "if0"}));
  EXPECT_EQ(argv(buildDiscovery(p, false, std::string("if0"))),
            (Argv{"iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal", p, "--op",
                  "nonpersistent", "--interface", "if0"}));
  EXPECT_EQ(argv(buildLogin(p, t, std::nullopt)),
            (Argv{"iscsiadm", "--mode", "node", "--portal", p, "--targetname", t, "--login"}));
  EXPECT_EQ(argv(buildLogin(p, t, std::string("if0"))),
            (Argv{"iscsiadm", "--mode", "node", "--portal", p, "--targetname", t, "--login",
                  "--interface", "if0"}));
  EXPECT_EQ(argv(buildLogout(p, t, std::nullopt)),
            (Argv{"iscsiadm", "--mode", "node", "--portal", p, "--targetname", t, "--logout"}));
  EXPECT_EQ(argv(scsi::buildScsiId("/dev/disk/by-path/x")),
            (Argv{"/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
                  "/dev/disk/by-path/x"}));
  EXPECT_EQ(argv(scsi::buildUdevSettle(std::chrono::milliseconds(30000))),
            (Argv{"udevadm", "settle"}));
  EXPECT_EQ(scsi::buildUdevSettle(std::chrono::milliseconds(30000)).timeout.count(), 30000);
}

TEST(IscsiadmCommandsRecorded, IfaceNameIsStablePerInitiator) {
  std::string name = ifaceNameFor("iqn.2024-01.org.example:initiator");
  EXPECT_EQ(name, "libvirt-iface-" + sha256Hex("iqn.2024-01.org.example:initiator").substr(0, 8));
  EXPECT_EQ(name.size(), std::string("libvirt-iface-").size() + 8);
  EXPECT_EQ(name, ifaceNameFor("iqn.2024-01.org.example:initiator"));
  EXPECT_NE(name, ifaceNameFor("iqn.2024-01.org.example:other"));
}

TEST(IscsiadmOutputRecorded, ParsesSessions) {
  auto sessions = parseSessions(testdata("session-list.out"));
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].id, "1");
  EXPECT_EQ(sessions[0].target, "iqn.2024-01.org.example:other");
  EXPECT_EQ(sessions[1].id, "3");
  EXPECT_EQ(sessions[1].portal, "192.0.2.10:3260,1");
  EXPECT_EQ(sessions[1].target, "iqn.2024-01.org.example:store");
  EXPECT_EQ(sessionIdFor(testdata("session-list.out"), "iqn.2024-01.org.example:store"), "3");
  EXPECT_EQ(sessionIdFor(testdata("session-list.out"), "iqn.2024-01.org.example:sto"),
            std::nullopt);
  // No session: iscsiadm prints nothing on stdout (and exits 21).
  EXPECT_TRUE(parseSessions("").empty());
  // Other transports and garbage are not tcp sessions.
  EXPECT_TRUE(parseSessions("iser: [2] 192.0.2.10:3260,1 iqn.x:y (non-flash)\n"
                            "tcp: 2 192.0.2.10:3260,1 iqn.x:y\n"
                            "tcp: [2]\n\x01\x02garbage\n")
                  .empty());
  // The first session to a target wins, as in libvirt.
  EXPECT_EQ(sessionIdFor("tcp: [7] a:3260,1 t\ntcp: [8] b:3260,1 t\n", "t"), "7");
}

TEST(IscsiadmOutputRecorded, ParsesIfaces) {
  auto ifaces = parseIfaces(testdata("iface-list.out"));
  ASSERT_TRUE(ifaces) << ifaces.error().message;
  ASSERT_EQ(ifaces->size(), 2u);
  EXPECT_EQ((*ifaces)[0].name, "default");
  EXPECT_EQ((*ifaces)[0].initiatorName, "<empty>");
  EXPECT_EQ(ifaceFor(*ifaces, "iqn.2024-01.org.example:initiator"), std::nullopt);

  auto withOurs = parseIfaces(testdata("iface-list.out") +
                              "libvirt-iface-1234abcd tcp,<empty>,<empty>,<empty>,"
                              "iqn.2024-01.org.example:initiator\n");
  ASSERT_TRUE(withOurs);
  EXPECT_EQ(ifaceFor(*withOurs, "iqn.2024-01.org.example:initiator"), "libvirt-iface-1234abcd");

  for (const char* bad : {"default\n", "default tcp,a,b\n", "garbage line\n"}) {
    auto r = parseIfaces(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InternalError);
    EXPECT_EQ(r.error().message,
              "malformed output of iscsiadm: " + std::string(bad).substr(0, std::strlen(bad) - 1));
  }
}

TEST(IscsiadmOutputRecorded, ParsesDiscovery) {
  auto targets = parseDiscovery(testdata("discovery.out"));
  ASSERT_TRUE(targets) << targets.error().message;
  EXPECT_EQ(*targets, (std::vector<std::string>{"iqn.2024-01.org.example:store",
                                                "iqn.2024-01.org.example:backup",
                                                "iqn.2024-01.org.example:store"}));
  auto none = parseDiscovery("");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  for (const char* bad : {"hello world\n", "192.0.2.10:3260,1\n", "192.0.2.10:3260 iqn.x:y\n",
                          "192.0.2.10:3260,1 iqn.x:y extra\n"}) {
    auto r = parseDiscovery(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InternalError);
    EXPECT_TRUE(r.error().message.starts_with("malformed output of iscsiadm: ")) << bad;
  }
}

}  // namespace
}  // namespace virtus::storage::iscsi
