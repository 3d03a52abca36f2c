// The QEMU driver's consoles with a real QEMU (paused, no guest OS needed): the pty that
// query-chardev names, one session at a time, FORCE ending the other session, a session
// given back by its caller, the guest's end hanging the pty up, libvirt's errors. Skipped
// without qemu-system-x86_64 unless VIRTUS_REQUIRE_QEMU=1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qmp_connect.h"
#include "hypervisor/qemu/test_child_process.h"
#include "os/linux_file_system.h"

namespace virtus::qemu {
namespace {

namespace fs = std::filesystem;
namespace cf = driver::console_flags;
using std::chrono::seconds;

bool requireQemu() {
  const char* r = std::getenv("VIRTUS_REQUIRE_QEMU");
  return r && std::string(r) == "1";
}

class QemuDriverConsole : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ::testing::TempDir() + "qemu-console-XXXXXX";
    ASSERT_NE(::mkdtemp(root_.data()), nullptr);
    TestChildProcess probe;
    bool ok = probe.start({"qemu-system-x86_64", "--version"}, root_ + "/version.log");
    auto status = ok ? probe.reap(seconds(30)) : std::nullopt;
    if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
      if (requireQemu())
        FAIL() << "qemu-system-x86_64 is not available";
      GTEST_SKIP() << "qemu-system-x86_64 is not available";
    }
  }
  void TearDown() override {
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

  std::string root_;
  os::LinuxFileSystem lfs_;
  os::SystemClock clock_;
};

constexpr const char* kXml =
    "<domain type='qemu'><name>c1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
    "<serial type='pty'><target port='0'/></serial>"
    "<console type='pty'><target type='serial' port='0'/></console>"
    "</devices></domain>";

// What poll says of `fd` within the bound.
short events(int fd, short want) {
  pollfd p{fd, want, 0};
  return ::poll(&p, 1, 10000) == 1 ? p.revents : 0;
}

TEST_F(QemuDriverConsole, OneSessionAtATimeAndTheGuestsEndHangsUp) {
  QemuDomainDriver driver(lfs_, clock_, config());
  auto h = driver.defineDomain(kXml, 0);
  ASSERT_TRUE(h) << h.error().text();

  auto inactive = driver.openConsole(*h, "", 0);
  ASSERT_FALSE(inactive);
  EXPECT_EQ(inactive.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(inactive.error().message, "domain is not running");

  auto started = driver.startDomain(*h, driver::start_domain::kPaused);
  ASSERT_TRUE(started) << started.error().text();

  auto first = driver.openConsole(*started, "", 0);
  ASSERT_TRUE(first) << first.error().text();
  char name[64] = {};
  ASSERT_EQ(::ttyname_r(*first, name, sizeof name), 0);
  EXPECT_EQ(std::string(name).rfind("/dev/pts/", 0), 0u) << name;
  EXPECT_TRUE(::fcntl(*first, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(::fcntl(*first, F_GETFD) & FD_CLOEXEC);

  auto busy = driver.openConsole(*started, "serial0", 0);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(busy.error().message, "Active console session exists for this domain");
  auto unknown = driver.openConsole(*started, "serial1", cf::kForce);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::InternalError);
  EXPECT_EQ(unknown.error().message, "cannot find character device serial1");
  auto badFlags = driver.openConsole(*started, "", 4);
  ASSERT_FALSE(badFlags);
  EXPECT_EQ(badFlags.error().code, ErrorCode::InvalidArg);

  // FORCE: the first session's descriptor now reads end of file.
  auto second = driver.openConsole(*started, "serial0", cf::kForce | cf::kSafe);
  ASSERT_TRUE(second) << second.error().text();
  char buf[16];
  EXPECT_EQ(::read(*first, buf, sizeof buf), 0);
  ::close(*first);

  // A caller that closed its descriptor gave the console back.
  ::close(*second);
  auto third = driver.openConsole(*started, "", 0);
  ASSERT_TRUE(third) << third.error().text();

  ASSERT_TRUE(driver.destroyDomain(*started, 0));
  EXPECT_TRUE(events(*third, POLLIN) & (POLLHUP | POLLIN));
  EXPECT_EQ(::read(*third, buf, sizeof buf), 0);  // a hung-up terminal reads end of file
  EXPECT_EQ(::write(*third, "x", 1), -1);
  ::close(*third);
  auto after = driver.openConsole(*h, "", 0);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().message, "domain is not running");
}

TEST_F(QemuDriverConsole, ADriverThatTakesTheQemuOverLearnsItsPty) {
  {
    QemuDomainDriver first(lfs_, clock_, config());
    auto h = first.defineDomain(kXml, 0);
    ASSERT_TRUE(h) << h.error().text();
    ASSERT_TRUE(first.startDomain(*h, driver::start_domain::kPaused));
  }  // QEMU keeps running
  QemuDomainDriver second(lfs_, clock_, config());
  auto h = second.lookupDomainByName("c1");
  ASSERT_TRUE(h) << h.error().text();
  auto fd = second.openConsole(*h, "", 0);
  ASSERT_TRUE(fd) << fd.error().text();
  char name[64] = {};
  ASSERT_EQ(::ttyname_r(*fd, name, sizeof name), 0);
  EXPECT_EQ(std::string(name).rfind("/dev/pts/", 0), 0u) << name;
  ::close(*fd);
  EXPECT_TRUE(second.destroyDomain(*h, 0));
}

}  // namespace
}  // namespace virtus::qemu
