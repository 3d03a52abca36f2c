// The QEMU driver running the tests' real guest (tests/guest) under TCG: start, pause,
// resume, the guest's poweroff on the ACPI button, destroy, a second driver taking a running
// QEMU over, QEMU killed from outside, and a start that QEMU refuses. Skipped when QEMU or
// the guest is unavailable, unless VIRTUS_REQUIRE_QEMU=1, where that is a failure.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qemu_test_support.h"
#include "hypervisor/qemu/test_child_process.h"
#include "os/linux_file_system.h"

namespace virtus::qemu {
namespace {

namespace fs = std::filesystem;
using driver::DomainState;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

bool requireQemu() {
  const char* r = std::getenv("VIRTUS_REQUIRE_QEMU");
  return r && std::string(r) == "1";
}

bool run(const std::vector<std::string>& argv, const std::string& logPath, seconds bound) {
  TestChildProcess child;
  if (!child.start(argv, logPath))
    return false;
  auto status = child.reap(bound);
  return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

// The guest directory, built or found in the cache; empty with `why` set otherwise.
std::string guestDir(const std::string& scratch, std::string& why) {
  const char* envDir = std::getenv("VIRTUS_GUEST_DIR");
  std::string dir = envDir && *envDir ? envDir : std::string(VIRTUS_BINARY_DIR) + "/test-guest";
  if (!run({"bash", std::string(VIRTUS_SOURCE_DIR) + "/scripts/build-test-guest.sh", dir},
           scratch + "/guest-build.log", seconds(600))) {
    why = "the test guest could not be built:\n" + readFile(scratch + "/guest-build.log");
    return "";
  }
  if (!run({"qemu-system-x86_64", "--version"}, scratch + "/qemu-version.log", seconds(30))) {
    why = "qemu-system-x86_64 is not available";
    return "";
  }
  return dir;
}

// A pid's process exists (a zombie counts as gone: it is not running).
bool processRuns(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat)
    return false;
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

class QemuDriverBoot : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ::testing::TempDir() + "qemu-drv-XXXXXX";
    ASSERT_NE(::mkdtemp(root_.data()), nullptr);
    std::string why;
    guest_ = guestDir(root_, why);
    if (guest_.empty()) {
      if (requireQemu())
        FAIL() << why;
      GTEST_SKIP() << why;
    }
  }
  void TearDown() override {
    // Whatever a failed test left running.
    QemuDomainStore store(lfs_, os::RootPaths::underRoot(root_));
    for (auto& state : store.loadAll().states)
      if (processRunsMonitor(state.pid, state.monitorPath))
        ::kill(state.pid, SIGKILL);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  QemuDriverConfig config() {
    QemuDriverConfig c;
    c.paths = os::RootPaths::underRoot(root_);
    c.emulator = "qemu-system-x86_64";
    return c;
  }

  std::string xml(const std::string& name, const std::string& devices = "") {
    return "<domain type='qemu'><name>" + name +
           "</name><memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64' "
           "machine='pc'>hvm</type><kernel>" +
           guest_ + "/vmlinuz</kernel><initrd>" + guest_ +
           "/initrd.img</initrd><cmdline>console=ttyS0 quiet panic=-1 "
           "virtus.wait=60</cmdline></os><features><acpi/></features><devices>" +
           devices + "</devices></domain>";
  }

  pid_t pidOf(const std::string& name) {
    QemuDomainStore store(lfs_, os::RootPaths::underRoot(root_));
    auto text = lfs_.readFile(store.statePath(name));
    if (!text)
      return -1;
    auto state = parseRuntimeState(*text);
    return state ? state->pid : -1;
  }

  // Nothing of the domain's run is left: no process, no state file, no socket.
  void expectNothingLeft(const std::string& name, pid_t pid) {
    EXPECT_FALSE(processRuns(pid)) << pid;
    EXPECT_FALSE(fs::exists(root_ + "/run/qemu/" + name + ".xml"));
    EXPECT_FALSE(fs::exists(fs::symlink_status(root_ + "/run/qemu/" + name + ".monitor")));
  }

  std::string root_;
  std::string guest_;
  os::LinuxFileSystem lfs_;
  os::SystemClock clock_;
};

TEST_F(QemuDriverBoot, StartSuspendResumeAndTheGuestPowersOff) {
  QemuDomainDriver driver(lfs_, clock_, config());
  auto h = driver.defineDomain(xml("vm1"), 0);
  ASSERT_TRUE(h) << h.error().text();
  auto start = steady_clock::now();
  auto started = driver.startDomain(*h, 0);
  ASSERT_TRUE(started) << started.error().text();
  EXPECT_GT(started->id, 0);
  pid_t pid = pidOf("vm1");
  ASSERT_GT(pid, 0);
  auto state = driver.domainState(*h);
  EXPECT_EQ(state->state, DomainState::Running);
  EXPECT_EQ(state->reason, driver::running_reason::kBooted);
  EXPECT_EQ(driver.lookupDomainById(started->id)->name, "vm1");
  auto live = driver.domainXml(*h, 0);
  ASSERT_TRUE(live);
  EXPECT_NE(live->find("id='" + std::to_string(started->id) + "'"), std::string::npos);

  // The guest comes up and waits for the power button (bounded: TCG under load is slow).
  const std::string console = driver.consoleLogPath("vm1");
  while (readFile(console).find("VIRTUS-DONE") == std::string::npos) {
    ASSERT_TRUE(*driver.domainIsActive(*h)) << readFile(root_ + "/log/qemu/vm1.log");
    ASSERT_TRUE(driver.waitForShutoff(*h, milliseconds(100)).error().code ==
                ErrorCode::OperationTimeout);  // a bounded pause that also sees an exit
    ASSERT_LT(steady_clock::now(), start + seconds(90)) << readFile(console);
  }
  auto bootMs = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count();

  ASSERT_TRUE(driver.suspendDomain(*h));
  EXPECT_EQ(driver.domainState(*h)->state, DomainState::Paused);
  EXPECT_EQ(driver.domainState(*h)->reason, driver::paused_reason::kUser);
  EXPECT_EQ(driver.listAllDomains(driver::list_domains::kPaused)->size(), 1u);
  ASSERT_TRUE(driver.resumeDomain(*h));
  EXPECT_EQ(driver.domainState(*h)->state, DomainState::Running);
  EXPECT_EQ(driver.domainState(*h)->reason, driver::running_reason::kUnpaused);

  auto shutdownAt = steady_clock::now();
  // The guest arms its power button reader before VIRTUS-DONE; the button is still pressed
  // again until the guest goes (bounded), in case a press is lost under load.
  int presses = 0;
  Result<void> off = ok();
  do {
    auto pressed = driver.shutdownDomain(*h, 0);
    ++presses;
    off = driver.waitForShutoff(*h, seconds(3));
    if (!off) {
      ASSERT_TRUE(pressed) << pressed.error().text();
    }
  } while (!off && steady_clock::now() < shutdownAt + seconds(60));
  ASSERT_TRUE(off) << off.error().text() << "\n" << readFile(console);
  state = driver.domainState(*h);
  EXPECT_EQ(state->state, DomainState::Shutoff);
  EXPECT_EQ(state->reason, driver::shutoff_reason::kShutdown);
  EXPECT_NE(readFile(console).find("button"), std::string::npos) << readFile(console);
  expectNothingLeft("vm1", pid);
  EXPECT_TRUE(*driver.domainIsPersistent(*h));
  EXPECT_EQ(driver.lookupDomainByName("vm1")->id, -1);
  std::cout << "[ measure  ] start to VIRTUS-DONE: " << bootMs << " ms; shutdown to shutoff: "
            << std::chrono::duration_cast<milliseconds>(steady_clock::now() - shutdownAt).count()
            << " ms (" << presses << " power button presses)\n";
}

TEST_F(QemuDriverBoot, DestroyLeavesNothingAndATransientDomainDisappears) {
  QemuDomainDriver driver(lfs_, clock_, config());
  auto h = driver.defineDomain(xml("vm1"), 0);
  ASSERT_TRUE(h);
  ASSERT_TRUE(driver.startDomain(*h, driver::start_domain::kPaused));
  EXPECT_EQ(driver.domainState(*h)->state, DomainState::Paused);
  pid_t pid = pidOf("vm1");
  ASSERT_GT(pid, 0);
  auto again = driver.startDomain(*h, 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "domain is already running");
  // A definition while it runs is the next boot's; the live one stays.
  std::string next = xml("vm1");
  next.insert(next.find("<memory"), "<uuid>" + h->uuid.str() + "</uuid><title>next</title>");
  ASSERT_TRUE(driver.defineDomain(next, 0));
  EXPECT_EQ(driver.domainXml(*h, 0)->find("<title>next</title>"), std::string::npos);
  EXPECT_NE(driver.domainXml(*h, driver::domain_xml::kInactive)->find("<title>next</title>"),
            std::string::npos);
  auto destroyed = driver.destroyDomain(*h, 0);
  ASSERT_TRUE(destroyed) << destroyed.error().text();
  auto state = driver.domainState(*h);
  EXPECT_EQ(state->state, DomainState::Shutoff);
  EXPECT_EQ(state->reason, driver::shutoff_reason::kDestroyed);
  expectNothingLeft("vm1", pid);
  EXPECT_NE(driver.domainXml(*h, 0)->find("<title>next</title>"), std::string::npos);

  auto t = driver.createDomain(xml("transient"), 0);
  ASSERT_TRUE(t) << t.error().text();
  EXPECT_FALSE(*driver.domainIsPersistent(*t));
  pid_t tpid = pidOf("transient");
  ASSERT_TRUE(driver.destroyDomain(*t, 0));
  EXPECT_FALSE(driver.lookupDomainByName("transient"));
  expectNothingLeft("transient", tpid);
}

TEST_F(QemuDriverBoot, ASecondDriverTakesTheRunningDomainOver) {
  pid_t pid;
  driver::DomainHandle h;
  {
    QemuDomainDriver first(lfs_, clock_, config());
    auto defined = first.defineDomain(xml("vm1"), 0);
    ASSERT_TRUE(defined);
    auto started = first.startDomain(*defined, 0);
    ASSERT_TRUE(started) << started.error().text();
    h = *started;
    pid = pidOf("vm1");
    ASSERT_GT(pid, 0);
  }  // virtusd goes away; QEMU keeps running
  ASSERT_TRUE(processRuns(pid));
  QemuDomainDriver second(lfs_, clock_, config());
  auto found = second.lookupDomainByName("vm1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, h.id);
  EXPECT_EQ(second.domainState(*found)->state, DomainState::Running);
  ASSERT_TRUE(second.suspendDomain(*found));
  EXPECT_EQ(second.domainState(*found)->state, DomainState::Paused);
  auto destroyed = second.destroyDomain(*found, 0);
  ASSERT_TRUE(destroyed) << destroyed.error().text();
  EXPECT_EQ(second.domainState(*found)->reason, driver::shutoff_reason::kDestroyed);
  expectNothingLeft("vm1", pid);
}

TEST_F(QemuDriverBoot, QemuKilledFromOutsideIsCrashed) {
  QemuDomainDriver driver(lfs_, clock_, config());
  auto h = driver.defineDomain(xml("vm1"), 0);
  ASSERT_TRUE(h);
  ASSERT_TRUE(driver.startDomain(*h, 0));
  pid_t pid = pidOf("vm1");
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  auto off = driver.waitForShutoff(*h, seconds(20));
  ASSERT_TRUE(off) << off.error().text();
  auto state = driver.domainState(*h);
  EXPECT_EQ(state->state, DomainState::Shutoff);
  EXPECT_EQ(state->reason, driver::shutoff_reason::kCrashed);
  expectNothingLeft("vm1", pid);
}

TEST_F(QemuDriverBoot, AMissingDiskFileFailsTheStartWithQemusWords) {
  QemuDomainDriver driver(lfs_, clock_, config());
  const std::string missing = root_ + "/missing.img";
  auto h = driver.defineDomain(xml("vm1",
                                   "<disk type='file' device='disk'><driver name='qemu' "
                                   "type='raw'/><source file='" +
                                       missing + "'/><target dev='vda' bus='virtio'/></disk>"),
                               0);
  ASSERT_TRUE(h) << h.error().text();
  auto started = driver.startDomain(*h, 0);
  ASSERT_FALSE(started);
  RecordProperty("error", started.error().text());
  EXPECT_EQ(started.error().code, ErrorCode::InternalError);
  EXPECT_EQ(started.error().text().rfind(
                "internal error: process exited while connecting to monitor: ", 0),
            0u)
      << started.error().text();
  EXPECT_NE(started.error().message.find(missing), std::string::npos) << started.error().text();
  EXPECT_FALSE(*driver.domainIsActive(*h));
  EXPECT_EQ(driver.domainState(*h)->state, DomainState::Shutoff);
  EXPECT_FALSE(fs::exists(root_ + "/run/qemu/vm1.xml"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ + "/run/qemu/vm1.monitor")));
}

TEST_F(QemuDriverBoot, ADiskInUseByAnotherGuestIsRefusedWithQemusLockError) {
  QemuDomainDriver driver(lfs_, clock_, config());
  const std::string image = root_ + "/shared.img";
  {
    std::ofstream f(image, std::ios::binary);
    f.seekp(1024 * 1024 - 1);
    f.put('\0');
  }
  const std::string disk =
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + image +
      "'/><target dev='vda' bus='virtio'/></disk>";
  auto first = driver.defineDomain(xml("vm1", disk), 0);
  auto second = driver.defineDomain(xml("vm2", disk), 0);
  ASSERT_TRUE(first && second);
  auto running = driver.startDomain(*first, driver::start_domain::kPaused);
  ASSERT_TRUE(running) << running.error().text();
  const pid_t pid = pidOf("vm1");

  // QEMU's own image locking: the second QEMU cannot take the write lock.
  auto refused = driver.startDomain(*second, driver::start_domain::kPaused);
  ASSERT_FALSE(refused);
  RecordProperty("error", refused.error().text());
  EXPECT_EQ(refused.error().code, ErrorCode::InternalError);
  EXPECT_NE(refused.error().message.find("Failed to get \"write\" lock"), std::string::npos)
      << refused.error().text();
  EXPECT_FALSE(*driver.domainIsActive(*second));
  EXPECT_FALSE(fs::exists(root_ + "/run/qemu/vm2.xml"));
  EXPECT_TRUE(*driver.domainIsActive(*first));

  ASSERT_TRUE(driver.destroyDomain(*first, 0));
  expectNothingLeft("vm1", pid);
}

TEST_F(QemuDriverBoot, DevicesGetLibvirtsPciSlotsAndTheDisplayAFreePort) {
  QemuDriverConfig c = config();
  std::vector<int> asked;
  c.portFree = [&](int port) {
    asked.push_back(port);
    return port != 5900;  // taken by someone else
  };
  QemuDomainDriver driver(lfs_, clock_, c);
  auto h = driver.defineDomain(
      xml("vm1",
          "<interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/>"
          "</interface><graphics type='vnc' autoport='yes'/><video><model type='vga'/></video>"
          "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"),
      0);
  ASSERT_TRUE(h) << h.error().text();
  auto inactive = driver.domainXml(*h, 0);
  ASSERT_TRUE(inactive);
  // libvirt's slots on 'pc': video 2, the interface 3, the rng after it.
  EXPECT_NE(inactive->find("<address type='pci' domain='0x0000' bus='0x00' slot='0x02' "
                           "function='0x0'/>"),
            std::string::npos)
      << *inactive;
  EXPECT_NE(inactive->find("slot='0x03'"), std::string::npos) << *inactive;

  auto started = driver.startDomain(*h, driver::start_domain::kPaused);
  ASSERT_TRUE(started) << started.error().text();
  const pid_t pid = pidOf("vm1");
  auto live = driver.domainXml(*h, 0);
  ASSERT_TRUE(live);
  EXPECT_NE(live->find("<graphics type='vnc' port='5901' autoport='yes'"), std::string::npos)
      << *live;
  EXPECT_EQ(asked, (std::vector<int>{5900, 5901}));

  // A second guest does not get the port the first one holds.
  auto h2 = driver.defineDomain(xml("vm2", "<graphics type='vnc' autoport='yes'/>"), 0);
  ASSERT_TRUE(h2);
  ASSERT_TRUE(driver.startDomain(*h2, driver::start_domain::kPaused));
  const pid_t pid2 = pidOf("vm2");
  auto live2 = driver.domainXml(*h2, 0);
  EXPECT_NE(live2->find("port='5902'"), std::string::npos) << *live2;

  ASSERT_TRUE(driver.destroyDomain(*h, 0));
  ASSERT_TRUE(driver.destroyDomain(*h2, 0));
  expectNothingLeft("vm1", pid);
  expectNothingLeft("vm2", pid2);
  // Released: the next start gets the first free port again.
  asked.clear();
  ASSERT_TRUE(driver.startDomain(*h, driver::start_domain::kPaused));
  EXPECT_NE(driver.domainXml(*h, 0)->find("port='5901'"), std::string::npos);
  ASSERT_TRUE(driver.destroyDomain(*h, 0));
}

}  // namespace
}  // namespace virtus::qemu
