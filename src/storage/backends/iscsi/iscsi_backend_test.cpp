// The iscsi backend on golden iscsiadm command lines with replayed output (testdata/) and a
// sysfs + /dev tree in a temporary directory: no kernel initiator runs here, hence the
// "Recorded" in the names.
#include "storage/backends/iscsi/iscsi_backend.h"

#include <gtest/gtest.h>

#include "fakes/fake_command_runner.h"
#include "model/storage/pool_xml.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/iscsi/iscsi_test_support.h"
#include "storage/backends/iscsi/iscsiadm_commands.h"

namespace virtus::storage::iscsi {
namespace {

using testing::FakeSecrets;
using testing::HostTree;
using testing::kInitiator;
using testing::kPortal;
using testing::kTarget;
using testing::testdata;

constexpr const char* kSecretUuid = "2ec115d7-3a88-3ceb-bc12-0ac909a6fd87";
constexpr const char* kPassword = "s3cr3t-chap-pw";

std::string poolXml(const std::string& extraSource = "",
                    const std::string& target = "/dev/disk/by-path") {
  return "<pool type='iscsi'><name>store</name>"
         "<uuid>e9392370-2917-565e-692b-d057f46512d6</uuid><source>"
         "<host name='192.0.2.10'/><device path='" +
         std::string(kTarget) + "'/>" + extraSource + "</source>" + "<target><path>" + target +
         "</path></target></pool>";
}

const std::string kChap =
    "<auth type='chap' username='admin'><secret uuid='" + std::string(kSecretUuid) + "'/></auth>";
const std::string kIqn = "<initiator><iqn name='" + std::string(kInitiator) + "'/></initiator>";

class IscsiBackendRecorded : public ::testing::Test {
 protected:
  IscsiBackendRecorded() {
    secrets_.add(*Uuid::parse(kSecretUuid), driver::SecretUsageType::Iscsi, kPassword);
  }

  IscsiBackend backend(bool withSecrets = true) {
    BackendContext ctx{runner_, fs_, clock_, withSecrets ? &secrets_ : nullptr};
    return IscsiBackend(ctx, HostRoots{tree_.sys(), tree_.dev()});
  }
  PoolRuntime pool(const std::string& xml) {
    auto def = model::parsePoolXml(xml);
    EXPECT_TRUE(def) << def.error().message;
    PoolRuntime p;
    if (def)
      p.def = *def;
    return p;
  }

  // Expectations of the common commands.
  void noSession() {
    runner_.expect("iscsiadm", "--mode", "session").replies(21, "", testdata("session-none.err"));
  }
  void session() {
    runner_.expect("iscsiadm", "--mode", "session").replies(0, testdata("session-list.out"));
  }
  void nodeNew() {
    runner_
        .expect("iscsiadm", "--mode", "node", "--portal", kPortal, "--targetname", kTarget, "--op",
                "new")
        .replies(0, testdata("node-new.out"));
  }
  virtus::testing::FakeCommandRunner::Expectation& nodeUpdate(const std::string& name,
                                                              const std::string& value) {
    return runner_
        .expect("iscsiadm", "--mode", "node", "--portal", kPortal, "--target", kTarget, "--op",
                "update", "--name", name, "--value", value)
        .replies(0);
  }
  virtus::testing::FakeCommandRunner::Expectation& login(const std::string& iface = "") {
    if (iface.empty())
      return runner_
          .expect("iscsiadm", "--mode", "node", "--portal", kPortal, "--targetname", kTarget,
                  "--login")
          .replies(0, testdata("login.out"));
    return runner_
        .expect("iscsiadm", "--mode", "node", "--portal", kPortal, "--targetname", kTarget,
                "--login", "--interface", iface)
        .replies(0, testdata("login.out"));
  }
  virtus::testing::FakeCommandRunner::Expectation& logout(const std::string& iface = "") {
    if (iface.empty())
      return runner_
          .expect("iscsiadm", "--mode", "node", "--portal", kPortal, "--targetname", kTarget,
                  "--logout")
          .replies(0, testdata("logout.out"));
    return runner_
        .expect("iscsiadm", "--mode", "node", "--portal", kPortal, "--targetname", kTarget,
                "--logout", "--interface", iface)
        .replies(0, testdata("logout.out"));
  }
  std::string ourIfaceLine() {
    return ifaceNameFor(kInitiator) + " tcp,<empty>,<empty>,<empty>," + kInitiator + "\n";
  }

  HostTree tree_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  FakeSecrets secrets_;
  virtus::testing::FakeCommandRunner runner_;
};

// --- start ---------------------------------------------------------------------------------

TEST_F(IscsiBackendRecorded, StartCreatesTheNodeAndLogsIn) {
  noSession();
  nodeNew();
  login();
  session();
  auto p = pool(poolXml());
  ASSERT_TRUE(backend().startPool(p));
}

TEST_F(IscsiBackendRecorded, StartSetsChapOnTheNodeFromTheSecret) {
  noSession();
  nodeNew();
  nodeUpdate("node.session.auth.authmethod", "CHAP");
  nodeUpdate("node.session.auth.username", "admin");
  nodeUpdate("node.session.auth.password", kPassword);
  login();
  session();
  auto p = pool(poolXml(kChap));
  auto started = backend().startPool(p);
  ASSERT_TRUE(started) << started.error().message;
}

TEST_F(IscsiBackendRecorded, StartWithTheLibvirtFixtureSetsChap) {
  // libvirt's own pool-iscsi-auth.xml: host iscsi.example.com, target demo-target.
  auto p = pool(fixtures::readFile(fixtures::fixturePath("storagepool/in/pool-iscsi-auth.xml")));
  const std::string portal = "iscsi.example.com:3260,1";
  runner_.expect("iscsiadm", "--mode", "session").replies(21, "", testdata("session-none.err"));
  runner_.expect("iscsiadm", "--mode", "node", "--portal", portal, "--targetname", "demo-target",
                 "--op", "new");
  for (auto [name, value] : {std::pair{"node.session.auth.authmethod", "CHAP"},
                             {"node.session.auth.username", "admin"},
                             {"node.session.auth.password", kPassword}})
    runner_.expect("iscsiadm", "--mode", "node", "--portal", portal, "--target", "demo-target",
                   "--op", "update", "--name", name, "--value", value);
  runner_.expect("iscsiadm", "--mode", "node", "--portal", portal, "--targetname", "demo-target",
                 "--login");
  runner_.expect("iscsiadm", "--mode", "session")
      .replies(0, "tcp: [4] 203.0.113.5:3260,1 demo-target (non-flash)\n");
  auto started = backend().startPool(p);
  ASSERT_TRUE(started) << started.error().message;
}

TEST_F(IscsiBackendRecorded, StartWithInitiatorIqnCreatesTheIfaceAndDiscoversThroughIt) {
  const std::string iface = ifaceNameFor(kInitiator);
  noSession();
  nodeNew();
  runner_.expect("iscsiadm", "--mode", "iface").replies(0, testdata("iface-list.out"));
  runner_.expect("iscsiadm", "--mode", "iface", "--interface", iface, "--op", "new")
      .replies(0, "New interface " + iface + " added\n");
  runner_
      .expect("iscsiadm", "--mode", "iface", "--interface", iface, "--op", "update", "--name",
              "iface.initiatorname", "--value", kInitiator)
      .replies(0, iface + " updated.\n");
  runner_.expect("iscsiadm", "--mode", "iface")
      .replies(0, testdata("iface-list.out") + ourIfaceLine());
  runner_
      .expect("iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal", kPortal,
              "--interface", iface)
      .replies(0, testdata("discovery.out"));
  login(iface);
  session();
  auto p = pool(poolXml(kIqn));
  auto started = backend().startPool(p);
  ASSERT_TRUE(started) << started.error().message;
}

TEST_F(IscsiBackendRecorded, StartWithInitiatorIqnReusesAnExistingIface) {
  noSession();
  nodeNew();
  runner_.expect("iscsiadm", "--mode", "iface")
      .replies(0, testdata("iface-list.out") +
                      "libvirt-iface-1234abcd tcp,<empty>,<empty>,<empty>," + kInitiator + "\n");
  login("libvirt-iface-1234abcd");
  session();
  auto p = pool(poolXml(kIqn));
  ASSERT_TRUE(backend().startPool(p));
}

TEST_F(IscsiBackendRecorded, AnExistingSessionMakesStartSkipTheLogin) {
  session();
  auto p = pool(poolXml(kChap + kIqn));
  ASSERT_TRUE(backend().startPool(p));
  EXPECT_EQ(runner_.commands().size(), 1u);
}

// --- start failures --------------------------------------------------------------------------

TEST_F(IscsiBackendRecorded, StartFailsWhenIscsiadmCannotRun) {
  runner_.expect("iscsiadm", "--mode", "session")
      .fails(systemError(ErrorDomain::None, ENOENT, "cannot execute binary iscsiadm"));
  auto p = pool(poolXml());
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
}

TEST_F(IscsiBackendRecorded, StartFailsWhenTheNodeCannotBeCreated) {
  noSession();
  runner_
      .expect("iscsiadm", "--mode", "node", "--portal", kPortal, "--targetname", kTarget, "--op",
              "new")
      .replies(6, "", "iscsiadm: Could not open /etc/iscsi/nodes: Permission denied\n");
  auto p = pool(poolXml());
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message,
            "iscsiadm failed new mode for target '" + std::string(kTarget) + "' with status '6'");
}

TEST_F(IscsiBackendRecorded, FailedChapUpdateNeverShowsThePassword) {
  noSession();
  nodeNew();
  nodeUpdate("node.session.auth.authmethod", "CHAP");
  nodeUpdate("node.session.auth.username", "admin");
  nodeUpdate("node.session.auth.password", kPassword)
      .replies(21, "", std::string("iscsiadm: No records found (") + kPassword + ")\n");
  auto p = pool(poolXml(kChap));
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message,
            "Failed to update 'node.session.auth.password' of node mode for "
            "target '" +
                std::string(kTarget) + "': iscsiadm exited with status 21");
  EXPECT_EQ(r.error().text().find(kPassword), std::string::npos);
}

TEST_F(IscsiBackendRecorded, ChapUpdateMissingItsDeadlineNeverShowsThePassword) {
  noSession();
  nodeNew();
  nodeUpdate("node.session.auth.authmethod", "CHAP");
  nodeUpdate("node.session.auth.username", "admin");
  // The runner's own message quotes the whole command line, password included.
  nodeUpdate("node.session.auth.password", kPassword)
      .fails(makeError(ErrorCode::OperationTimeout, ErrorDomain::None,
                       std::string("Child process (iscsiadm ... --value ") + kPassword +
                           ") did not finish within 30 seconds"));
  auto p = pool(poolXml(kChap));
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  EXPECT_EQ(r.error().text().find(kPassword), std::string::npos);
  EXPECT_EQ(r.error().message,
            "Failed to update 'node.session.auth.password' of node mode for "
            "target '" +
                std::string(kTarget) + "'");
}

TEST_F(IscsiBackendRecorded, ChapUsernameUpdateFailureQuotesIscsiadm) {
  noSession();
  nodeNew();
  nodeUpdate("node.session.auth.authmethod", "CHAP");
  nodeUpdate("node.session.auth.username", "admin")
      .replies(21, "", testdata("node-no-records.err"));
  auto p = pool(poolXml(kChap));
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Failed to update 'node.session.auth.username' of node mode for "
            "target '" +
                std::string(kTarget) +
                "': iscsiadm exited with status 21: iscsiadm: No records found");
}

TEST_F(IscsiBackendRecorded, ChapWithoutSecretDriverOrWithOtherAuthFails) {
  noSession();
  nodeNew();
  auto p = pool(poolXml(kChap));
  auto r = backend(/*withSecrets=*/false).startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message,
            "no secret driver is available to authenticate storage pool 'store'.");

  noSession();
  nodeNew();
  p.def.source.auth->type = "ceph";
  r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlError);
  EXPECT_EQ(r.error().message, "iscsi pool only supports 'chap' auth type");
}

TEST_F(IscsiBackendRecorded, FailedLoginIsLibvirtsChildProcessError) {
  noSession();
  nodeNew();
  login().replies(24, testdata("login-auth-failed.out"), testdata("login-auth-failed.err"));
  auto p = pool(poolXml());
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message,
            "Child process (iscsiadm --mode node --portal 192.0.2.10:3260,1 --targetname " +
                std::string(kTarget) + " --login) unexpected exit status 24: " +
                testdata("login-auth-failed.err")
                    .substr(0, testdata("login-auth-failed.err").size() - 1));
  // Not logged in: nothing to log out of.
  EXPECT_EQ(runner_.commands().size(), 3u);
}

TEST_F(IscsiBackendRecorded, NoSessionAfterLoginLogsOutAgain) {
  noSession();
  nodeNew();
  login();
  noSession();
  logout().replies(21, "", "iscsiadm: No matching sessions found\n");
  auto p = pool(poolXml());
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "cannot find iscsiadm session: iscsiadm: No active sessions.");
}

TEST_F(IscsiBackendRecorded, FailedSessionCheckAfterLoginLogsOutWithTheIface) {
  noSession();
  nodeNew();
  runner_.expect("iscsiadm", "--mode", "iface")
      .replies(0, testdata("iface-list.out") + ourIfaceLine());
  login(ifaceNameFor(kInitiator));
  runner_.expect("iscsiadm", "--mode", "session")
      .fails(makeError(ErrorCode::OperationTimeout, ErrorDomain::None, "too slow"));
  logout(ifaceNameFor(kInitiator));
  auto p = pool(poolXml(kIqn));
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
}

TEST_F(IscsiBackendRecorded, IfaceFailuresStopBeforeLogin) {
  // Garbage from `iscsiadm --mode iface`.
  noSession();
  nodeNew();
  runner_.expect("iscsiadm", "--mode", "iface").replies(0, "garbage\n");
  auto p = pool(poolXml(kIqn));
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "malformed output of iscsiadm: garbage");

  // The record does not show up after creating it.
  const std::string iface = ifaceNameFor(kInitiator);
  noSession();
  nodeNew();
  runner_.expect("iscsiadm", "--mode", "iface").replies(0, testdata("iface-list.out"));
  runner_.expect("iscsiadm", "--mode", "iface", "--interface", iface, "--op", "new").replies(1);
  runner_.expect("iscsiadm", "--mode", "iface", "--interface", iface, "--op", "update", "--name",
                 "iface.initiatorname", "--value", kInitiator);
  runner_.expect("iscsiadm", "--mode", "iface").replies(0, testdata("iface-list.out"));
  r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Failed to find interface '" + iface + "' with IQN '" + kInitiator +
                                   "' after attempting to create it");

  // Discovery through the new record fails.
  noSession();
  nodeNew();
  runner_.expect("iscsiadm", "--mode", "iface").replies(0, testdata("iface-list.out"));
  runner_.expect("iscsiadm", "--mode", "iface", "--interface", iface, "--op", "new");
  runner_.expect("iscsiadm", "--mode", "iface", "--interface", iface, "--op", "update", "--name",
                 "iface.initiatorname", "--value", kInitiator);
  runner_.expect("iscsiadm", "--mode", "iface")
      .replies(0, testdata("iface-list.out") + ourIfaceLine());
  runner_
      .expect("iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal", kPortal,
              "--interface", iface)
      .replies(4, "", testdata("discovery-refused.err"));
  r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.find("unexpected exit status 4: iscsiadm: cannot make "
                                     "connection") != std::string::npos)
      << r.error().message;
}

TEST_F(IscsiBackendRecorded, StartRefusesAPoolWithoutOneHostAndOneDevice) {
  auto p = pool(poolXml());
  p.def.source.hosts.push_back({"192.0.2.11", std::nullopt});
  auto r = backend().startPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(r.error().message, "Expected exactly 1 host for the storage pool");
  p = pool(poolXml());
  p.def.source.devices.clear();
  auto checked = backend().checkPool(p);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message, "missing source device");
  EXPECT_TRUE(runner_.commands().empty());
}

// --- refresh ---------------------------------------------------------------------------------

TEST_F(IscsiBackendRecorded, RefreshRescansAndListsTheLuns) {
  ASSERT_TRUE(tree_.ok());
  const std::string byPath = "/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-" + std::string(kTarget);
  session();
  runner_.expect("iscsiadm", "--mode", "session", "-r", "3", "-R")
      .replies(0, testdata("rescan.out"));
  // No udev here: settling is best effort.
  runner_.expect("udevadm", "settle")
      .fails(systemError(ErrorDomain::None, ENOENT, "cannot execute binary udevadm"));
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
              byPath + "-lun-1")
      .replies(0, testdata("scsi-id-lun1.out"));
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
              byPath + "-lun-2")
      .replies(0, "360000000000000000e00000000010002\n");
  auto p = pool(poolXml("", "/dev/disk/by-path"));
  p.def.available = 77;
  auto r = backend().refreshPool(p);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(p.volumes.size(), 2u);
  EXPECT_EQ(p.volumes[0].name, "unit:0:0:1");
  EXPECT_EQ(p.volumes[0].key, "360000000000000000e00000000010001");
  EXPECT_EQ(p.volumes[0].target.path, byPath + "-lun-1");
  EXPECT_EQ(p.volumes[1].name, "unit:0:0:2");
  EXPECT_EQ(p.volumes[1].key, "360000000000000000e00000000010002");
  EXPECT_EQ(p.def.capacity, 3221225472u);
  EXPECT_EQ(p.def.allocation, 3221225472u);
  EXPECT_EQ(p.def.available, 0u);
}

TEST_F(IscsiBackendRecorded, RefreshWithoutSessionIsLibvirtsError) {
  noSession();
  auto p = pool(poolXml());
  auto r = backend().refreshPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "cannot find iscsiadm session: iscsiadm: No active sessions.");

  // Garbage instead of a session list is no session either.
  runner_.expect("iscsiadm", "--mode", "session")
      .replies(0,
               "\x7f"
               "ELF garbage\n");
  r = backend().refreshPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot find iscsiadm session: ");
}

TEST_F(IscsiBackendRecorded, RefreshFailsWhenTheRescanFails) {
  session();
  runner_.expect("iscsiadm", "--mode", "session", "-r", "3", "-R")
      .replies(21, "", "iscsiadm: Could not get session info for sid 3\n");
  auto p = pool(poolXml());
  auto r = backend().refreshPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Child process (iscsiadm --mode session -r 3 -R) unexpected exit status 21: "
            "iscsiadm: Could not get session info for sid 3");
  EXPECT_TRUE(p.volumes.empty());
}

TEST_F(IscsiBackendRecorded, RefreshFailsWhenSysfsHasNoSessionTarget) {
  ASSERT_TRUE(tree_.ok());
  tree_.remove("sys/devices/platform/host5/session3/target5:0:0");
  session();
  runner_.expect("iscsiadm", "--mode", "session", "-r", "3", "-R");
  runner_.expect("udevadm", "settle");
  auto p = pool(poolXml());
  auto r = backend().refreshPool(p);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("Failed to get host number for iSCSI session"));
}

// --- stop and check --------------------------------------------------------------------------

TEST_F(IscsiBackendRecorded, StopLogsOut) {
  session();
  logout();
  auto p = pool(poolXml());
  ASSERT_TRUE(backend().stopPool(p));
}

TEST_F(IscsiBackendRecorded, StopWithInitiatorLogsOutThroughItsIface) {
  session();
  runner_.expect("iscsiadm", "--mode", "iface")
      .replies(0, testdata("iface-list.out") + ourIfaceLine());
  logout(ifaceNameFor(kInitiator));
  auto p = pool(poolXml(kIqn));
  ASSERT_TRUE(backend().stopPool(p));

  // Without a record for the initiator, a plain logout (libvirt would make a record first).
  session();
  runner_.expect("iscsiadm", "--mode", "iface").replies(0, testdata("iface-list.out"));
  logout();
  ASSERT_TRUE(backend().stopPool(p));
}

TEST_F(IscsiBackendRecorded, StopWithoutSessionDoesNothing) {
  noSession();
  auto p = pool(poolXml());
  ASSERT_TRUE(backend().stopPool(p));
  EXPECT_EQ(runner_.commands().size(), 1u);
}

TEST_F(IscsiBackendRecorded, FailedLogoutIsAnError) {
  session();
  logout().replies(8, "", "iscsiadm: Could not logout of all requested sessions\n");
  auto p = pool(poolXml());
  auto r = backend().stopPool(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_TRUE(r.error().message.ends_with(
      "--logout) unexpected exit status 8: iscsiadm: Could not logout of all requested sessions"));
}

TEST_F(IscsiBackendRecorded, CheckIsWhetherASessionExists) {
  auto p = pool(poolXml());
  session();
  auto active = backend().checkPool(p);
  ASSERT_TRUE(active);
  EXPECT_TRUE(*active);
  noSession();
  active = backend().checkPool(p);
  ASSERT_TRUE(active);
  EXPECT_FALSE(*active);
}

TEST_F(IscsiBackendRecorded, FeaturesAreStartStopAndSources) {
  BackendFeatures f = backend().features();
  EXPECT_TRUE(f.startPool);
  EXPECT_TRUE(f.stopPool);
  EXPECT_TRUE(f.findPoolSources);
  EXPECT_FALSE(f.createVol);
  EXPECT_FALSE(f.deleteVol);
  EXPECT_FALSE(f.buildPool);
  EXPECT_EQ(backend().type(), model::PoolType::Iscsi);
  BackendContext ctx{runner_, fs_, clock_, nullptr};
  EXPECT_EQ(makeIscsiBackend(ctx)->type(), model::PoolType::Iscsi);
}

// --- find-pool-sources -----------------------------------------------------------------------

TEST_F(IscsiBackendRecorded, FindPoolSourcesDiscoversTheTargets) {
  runner_
      .expect("iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal",
              "192.0.2.10:3260,1", "--op", "nonpersistent")
      .replies(0,
               "192.0.2.10:3260,1 iqn.2024-01.org.example:store\n"
               "192.0.2.10:3260,1 iqn.2024-01.org.example:backup\n");
  auto xml = backend().findPoolSources("<source><host name='192.0.2.10'/></source>", 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(*xml,
            "<sources>\n"
            "  <source>\n"
            "    <host name='192.0.2.10' port='3260'/>\n"
            "    <device path='iqn.2024-01.org.example:store'/>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='192.0.2.10' port='3260'/>\n"
            "    <device path='iqn.2024-01.org.example:backup'/>\n"
            "  </source>\n"
            "</sources>\n");
}

TEST_F(IscsiBackendRecorded, FindPoolSourcesThroughTheInitiatorsIface) {
  runner_.expect("iscsiadm", "--mode", "iface")
      .replies(0, testdata("iface-list.out") + ourIfaceLine());
  runner_
      .expect("iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal",
              "192.0.2.10:3261,1", "--op", "nonpersistent", "--interface", ifaceNameFor(kInitiator))
      .replies(0, "192.0.2.10:3261,1 iqn.2024-01.org.example:store\n");
  auto xml = backend().findPoolSources(
      "<source><host name='192.0.2.10' port='3261'/>" + kIqn + "</source>", 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_NE(xml->find("<iqn name='" + std::string(kInitiator) + "'/>"), std::string::npos);
  EXPECT_NE(xml->find("<host name='192.0.2.10' port='3261'/>"), std::string::npos);

  // No record for the initiator: libvirt's error, and no discovery.
  runner_.expect("iscsiadm", "--mode", "iface").replies(0, testdata("iface-list.out"));
  auto r = backend().findPoolSources("<source><host name='192.0.2.10'/>" + kIqn + "</source>", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(r.error().message, "no iSCSI interface defined for IQN " + std::string(kInitiator));
}

TEST_F(IscsiBackendRecorded, FindPoolSourcesFailures) {
  const char* spec = "<source><host name='192.0.2.99'/></source>";
  runner_
      .expect("iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal",
              "192.0.2.99:3260,1", "--op", "nonpersistent")
      .replies(4, "", testdata("discovery-refused.err"));
  auto r = backend().findPoolSources(spec, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_TRUE(r.error().message.starts_with(
      "Child process (iscsiadm --mode discovery --type sendtargets --portal 192.0.2.99:3260,1 "
      "--op nonpersistent) unexpected exit status 4: iscsiadm: cannot make connection"));

  runner_
      .expect("iscsiadm", "--mode", "discovery", "--type", "sendtargets", "--portal",
              "192.0.2.99:3260,1", "--op", "nonpersistent")
      .replies(0, "garbage\n");
  r = backend().findPoolSources(spec, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "malformed output of iscsiadm: garbage");

  r = backend().findPoolSources("<source><host name='a'/><host name='b'/></source>", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  r = backend().findPoolSources("", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  r = backend().findPoolSources(spec, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(runner_.commands().size(), 2u);
}

}  // namespace
}  // namespace virtus::storage::iscsi
