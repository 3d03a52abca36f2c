// The device arguments against a real QEMU (qemu-system-x86_64, started with -S: no guest
// runs): QEMU accepts them and creates the devices with libvirt's ids. Skipped when QEMU is
// absent, unless VIRTUS_REQUIRE_QEMU=1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command.h"
#include "hypervisor/qemu/qemu_domain_address.h"
#include "hypervisor/qemu/qemu_test_support.h"
#include "hypervisor/qemu/qmp_client.h"
#include "hypervisor/qemu/qmp_connect.h"
#include "hypervisor/qemu/test_child_process.h"
#include "model/domain/domain_xml.h"
#include "os/clock.h"

namespace virtus::qemu {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::steady_clock;

// Tests only: the first port from `first` that 127.0.0.1 can bind (the driver's allocator
// also remembers what it handed out).
Result<int> freePort(int first) {
  for (int port = first; port < first + 200; ++port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
      break;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok)
      return port;
  }
  return makeError(ErrorCode::InternalError, ErrorDomain::Qemu, "no free port for the test");
}

class DevicesRealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    qemu_ = onPath("qemu-system-x86_64");
    if (qemu_.empty()) {
      const char* require = std::getenv("VIRTUS_REQUIRE_QEMU");
      if (require && std::string(require) == "1")
        FAIL() << "qemu-system-x86_64 is not on PATH and VIRTUS_REQUIRE_QEMU=1";
      GTEST_SKIP() << "qemu-system-x86_64 is not installed";
    }
    std::string pattern = ::testing::TempDir() + "devices-qemu-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Starts QEMU for `devices` and connects to its monitor.
  void start(const std::string& devices) {
    auto def = model::parseDomainXml(
        "<domain type='qemu'><name>dev1</name><memory unit='KiB'>131072</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>" +
        devices + "</devices></domain>");
    ASSERT_TRUE(def) << def.error().text();
    auto assigned = assignPciAddresses(*def);
    ASSERT_TRUE(assigned) << assigned.error().text();
    QemuLaunchPaths paths;
    paths.emulator = qemu_;
    paths.monitorSocket = dir_ + "/qmp.sock";
    paths.allocatePort = freePort;
    auto cmd = buildQemuCommandLine(*def, paths);
    ASSERT_TRUE(cmd) << cmd.error().text();
    cmd_ = *cmd;
    deadline_ = steady_clock::now() + seconds(30);
    ASSERT_TRUE(child_.start(cmd->argv, dir_ + "/qemu.log"));
    auto fd = connectQmp(paths.monitorSocket, clock_, deadline_, child_.pid());
    ASSERT_TRUE(fd) << fd.error().text() << "\n" << readFile(dir_ + "/qemu.log");
    auto client = QmpClient::open(*fd, clock_, deadline_, {});
    ASSERT_TRUE(client) << client.error().text();
    qmp_ = std::move(*client);
  }

  json run(const std::string& command, const json& args = json::object()) {
    auto reply = qmp_->execute(command, args, deadline_);
    EXPECT_TRUE(reply) << command << ": " << reply.error().text();
    return reply ? *reply : json();
  }

  std::set<std::string> peripherals() {
    std::set<std::string> names;
    for (const json& p : run("qom-list", {{"path", "/machine/peripheral"}}))
      names.insert(p["name"].get<std::string>());
    return names;
  }

  // qdev id -> "slot.function" of the devices on PCI bus 0.
  std::map<std::string, std::string> pciSlots() {
    std::map<std::string, std::string> slots;
    for (const json& bus : run("query-pci"))
      for (const json& d : bus["devices"])
        if (d.contains("qdev_id") && !d["qdev_id"].get<std::string>().empty())
          slots[d["qdev_id"].get<std::string>()] =
              std::to_string(d["slot"].get<int>()) + "." + std::to_string(d["function"].get<int>());
    return slots;
  }

  void quit() {
    run("quit");
    EXPECT_TRUE(qmp_->waitClosed(steady_clock::now() + seconds(10)));
    EXPECT_TRUE(child_.reap(seconds(10)));
  }

  os::SystemClock clock_;
  std::string qemu_, dir_;
  QemuCommand cmd_;
  TestChildProcess child_;
  steady_clock::time_point deadline_;
  std::unique_ptr<QmpClient> qmp_;
};

TEST_F(DevicesRealTest, UserNetworkVncRngTabletChannelSoundAndWatchdogExistWithLibvirtsIds) {
  start(
      "<controller type='usb' index='0' model='piix3-uhci'/>"
      "<interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/>"
      "</interface><interface type='user'><mac address='52:54:00:12:34:57'/>"
      "<model type='e1000'/></interface>"
      "<channel type='unix'><source mode='bind' path='" +
      dir_ +
      "/qga.sock'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
      "<input type='tablet' bus='usb'/><input type='keyboard' bus='virtio'/>"
      "<graphics type='vnc' autoport='yes'/><video><model type='vga'/></video>"
      "<sound model='ich9'/><watchdog model='i6300esb' action='poweroff'/>"
      "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
      "<memballoon model='none'/>");
  if (HasFatalFailure())
    return;
  std::set<std::string> names = peripherals();
  for (const char* id : {"usb", "net0", "net1", "virtio-serial0", "channel0", "input0", "input1",
                         "video0", "sound0", "sound0-codec0", "watchdog0", "rng0"})
    EXPECT_TRUE(names.count(id)) << id << " is not in /machine/peripheral";

  // On the slots libvirt assigns (qemu_domain_address.h).
  std::map<std::string, std::string> want{
      {"usb", "1.2"},  {"video0", "2.0"},    {"net0", "3.0"},
      {"net1", "4.0"}, {"sound0", "5.0"},    {"virtio-serial0", "6.0"},
      {"rng0", "7.0"}, {"watchdog0", "8.0"}, {"input1", "9.0"}};
  EXPECT_EQ(pciSlots(), want);

  json net0 = run("qom-get", {{"path", "/machine/peripheral/net0"}, {"property", "mac"}});
  EXPECT_EQ(net0, "52:54:00:12:34:56");
  json rng = run("qom-get", {{"path", "/machine/peripheral/rng0"}, {"property", "rng"}});
  EXPECT_EQ(rng, "/objects/objrng0");

  ASSERT_EQ(cmd_.graphicsPorts.size(), 1u);
  EXPECT_GE(cmd_.graphicsPorts[0], 5900);
  json vnc = run("query-vnc");
  EXPECT_EQ(vnc["enabled"], true);
  EXPECT_EQ(vnc["host"], "127.0.0.1");
  EXPECT_EQ(vnc["service"], std::to_string(cmd_.graphicsPorts[0]));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/qga.sock"));
  quit();
}

TEST_F(DevicesRealTest, SpiceWithQxl) {
  start(
      "<graphics type='spice' autoport='yes'/><video><model type='qxl' ram='65536' "
      "vram='65536' vgamem='16384' heads='1'/></video><memballoon model='none'/>");
  if (HasFatalFailure())
    return;
  EXPECT_EQ(pciSlots(), (std::map<std::string, std::string>{{"video0", "2.0"}}));
  json spice = run("query-spice");
  EXPECT_EQ(spice["enabled"], true);
  EXPECT_EQ(spice["port"], cmd_.graphicsPorts.at(0));
  quit();
}

}  // namespace
}  // namespace virtus::qemu
