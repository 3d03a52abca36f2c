// The command line of buildQemuCommandLine booting the tests' real guest (tests/guest)
// under TCG: a definition parsed from libvirt XML with a raw and a qcow2 virtio disk and a
// serial port to a file, run by QEMU, started over QMP ("cont": the command line has -S),
// and the disks the guest reports checked. Skipped when QEMU or the guest is unavailable,
// unless VIRTUS_REQUIRE_QEMU=1, where that is a failure.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command.h"
#include "hypervisor/qemu/qemu_test_support.h"
#include "hypervisor/qemu/qmp_client.h"
#include "hypervisor/qemu/qmp_connect.h"
#include "hypervisor/qemu/qmp_event.h"
#include "hypervisor/qemu/test_child_process.h"
#include "model/domain/domain_xml.h"
#include "os/clock.h"

namespace virtus::qemu {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

bool requireQemu() {
  const char* r = std::getenv("VIRTUS_REQUIRE_QEMU");
  return r && std::string(r) == "1";
}

// Runs a short command to its end (bounded); true when it exited with 0.
bool run(const std::vector<std::string>& argv, const std::string& logPath, seconds bound) {
  TestChildProcess child;
  if (!child.start(argv, logPath))
    return false;
  auto status = child.reap(bound);
  return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

// The fields of every "VIRTUS-DISK k=v ..." line of the console, by disk name.
std::map<std::string, std::map<std::string, std::string>> reportedDisks(const std::string& log) {
  std::map<std::string, std::map<std::string, std::string>> disks;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    auto at = line.find("VIRTUS-DISK ");
    if (at == std::string::npos)
      continue;
    std::istringstream words(line.substr(at + 12));
    std::map<std::string, std::string> fields;
    std::string word;
    while (words >> word) {
      auto eq = word.find('=');
      if (eq != std::string::npos)
        fields[word.substr(0, eq)] = word.substr(eq + 1);
    }
    disks[fields["name"]] = fields;
  }
  return disks;
}

struct Events {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<QmpEvent> events;
  QmpClientOptions options() {
    QmpClientOptions o;
    o.onEvent = [this](const QmpEvent& e) {
      std::lock_guard lock(mutex);
      events.push_back(e);
      changed.notify_all();
    };
    return o;
  }
  std::optional<QmpEvent> waitFor(const std::string& name, milliseconds wait) {
    std::unique_lock lock(mutex);
    std::optional<QmpEvent> found;
    changed.wait_for(lock, wait, [&] {
      for (auto& e : events)
        if (e.name == name)
          found = e;
      return found.has_value();
    });
    return found;
  }
};

TEST(QemuCommandBoot, TheTestGuestBootsFromTheBuiltCommandLineAndSeesItsDisks) {
  std::string dir = ::testing::TempDir() + "qemu-cmd-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};

  // The guest, built (or found in the cache) as tests/guest/guest.py does.
  const char* envDir = std::getenv("VIRTUS_GUEST_DIR");
  std::string guestDir =
      envDir && *envDir ? envDir : std::string(VIRTUS_BINARY_DIR) + "/test-guest";
  auto buildStart = steady_clock::now();
  bool built =
      run({"bash", std::string(VIRTUS_SOURCE_DIR) + "/scripts/build-test-guest.sh", guestDir},
          dir + "/guest-build.log", seconds(600));
  if (!built) {
    std::string why = "the test guest could not be built:\n" + readFile(dir + "/guest-build.log");
    if (requireQemu())
      FAIL() << why;
    GTEST_SKIP() << why;
  }
  long buildMs = std::chrono::duration_cast<milliseconds>(steady_clock::now() - buildStart).count();

  // A raw disk of a repeated 16-byte pattern and a qcow2 whose first bytes are 0xab.
  std::string raw = dir + "/disk.raw", qcow2 = dir + "/disk.qcow2", src = dir + "/src.raw";
  {
    std::string pattern;
    for (int i = 0; i < 16; ++i)
      pattern += static_cast<char>(i);
    std::ofstream out(raw, std::ios::binary);
    for (int i = 0; i < 1024 * 1024 / 16; ++i)
      out << pattern;
    std::ofstream s(src, std::ios::binary);
    s << std::string(512, '\xab');
    s << std::string(64 * 1024 * 1024 - 512, '\0');
  }
  if (!run({"qemu-img", "convert", "-f", "raw", "-O", "qcow2", src, qcow2}, dir + "/img.log",
           seconds(60))) {
    if (requireQemu())
      FAIL() << "qemu-img failed: " << readFile(dir + "/img.log");
    GTEST_SKIP() << "qemu-img is not available: " << readFile(dir + "/img.log");
  }

  std::string console = dir + "/console.log";
  std::string xml = R"(<domain type='qemu'>
  <name>cmdline-boot</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>)" + guestDir +
                    R"(/vmlinuz</kernel>
    <initrd>)" + guestDir +
                    R"(/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 virtus.disks=2</cmdline>
  </os>
  <features><acpi/></features>
  <on_reboot>destroy</on_reboot>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file=')" +
                    raw + R"('/>
      <target dev='vda' bus='virtio'/>
      <serial>virtus-raw</serial>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file=')" +
                    qcow2 + R"('/>
      <target dev='vdb' bus='virtio'/>
      <readonly/>
    </disk>
    <serial type='file'>
      <source path=')" +
                    console + R"('/>
      <target port='0'/>
    </serial>
  </devices>
</domain>)";
  auto def = model::parseDomainXml(xml);
  ASSERT_TRUE(def) << def.error().text();
  QemuLaunchPaths paths;
  paths.monitorSocket = dir + "/monitor.sock";
  paths.emulator = "qemu-system-x86_64";  // found on PATH
  auto cmd = buildQemuCommandLine(*def, paths);
  ASSERT_TRUE(cmd) << cmd.error().text();

  os::SystemClock clock;
  Events events;
  TestChildProcess qemu;
  auto start = steady_clock::now();
  if (!qemu.start(cmd->argv, dir + "/qemu.log")) {
    if (requireQemu())
      FAIL() << "qemu-system-x86_64 could not be started";
    GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  }
  auto fd = connectQmp(paths.monitorSocket, clock, start + seconds(30), qemu.pid());
  ASSERT_TRUE(fd) << fd.error().text() << "\n" << readFile(dir + "/qemu.log");
  auto client = QmpClient::open(*fd, clock, start + seconds(30), events.options());
  ASSERT_TRUE(client) << client.error().text();
  QmpClient& qmp = **client;
  auto status = qmp.execute("query-status", steady_clock::now() + seconds(10));
  ASSERT_TRUE(status) << status.error().text();
  EXPECT_EQ((*status)["status"], "prelaunch");  // -S: nothing ran yet
  EXPECT_EQ(readFile(console).find("VIRTUS-"), std::string::npos);
  auto cont = qmp.execute("cont", steady_clock::now() + seconds(10));
  ASSERT_TRUE(cont) << cont.error().text();
  auto contAt = steady_clock::now();

  // The guest's report, bounded: TCG on a loaded machine is slow.
  std::string log;
  auto deadline = contAt + seconds(90);
  while (true) {
    log = readFile(console);
    if (log.find("VIRTUS-DONE") != std::string::npos)
      break;
    ASSERT_FALSE(qemu.reap(milliseconds(100))) << "QEMU exited before the guest's report:\n"
                                               << log << readFile(dir + "/qemu.log");
    ASSERT_LT(steady_clock::now(), deadline) << "no VIRTUS-DONE after 90 s:\n" << log;
  }
  long reportMs = std::chrono::duration_cast<milliseconds>(steady_clock::now() - contAt).count();

  auto disks = reportedDisks(log);
  ASSERT_EQ(disks.size(), 2u) << log;
  EXPECT_EQ(disks["vda"]["size"], "1048576") << log;
  EXPECT_EQ(disks["vda"]["ro"], "0") << log;
  EXPECT_EQ(disks["vda"]["head"], "000102030405060708090a0b0c0d0e0f") << log;
  EXPECT_EQ(disks["vda"]["serial"], "virtus-raw") << log;
  EXPECT_EQ(disks["vdb"]["size"], std::to_string(64 * 1024 * 1024)) << log;
  EXPECT_EQ(disks["vdb"]["ro"], "1") << log;
  EXPECT_EQ(disks["vdb"]["head"], "abababababababababababababababab") << log;
  EXPECT_EQ(log.find("VIRTUS-ERROR"), std::string::npos) << log;

  // The guest powers off; -no-shutdown keeps QEMU there, reporting a guest shutdown.
  auto shutdown = events.waitFor("SHUTDOWN", seconds(60));
  ASSERT_TRUE(shutdown) << readFile(console);
  EXPECT_EQ(shutdown->data["guest"], true);
  EXPECT_FALSE(qemu.reap(milliseconds(0)));
  auto after = qmp.execute("query-status", steady_clock::now() + seconds(10));
  ASSERT_TRUE(after) << after.error().text();
  EXPECT_EQ((*after)["status"], "shutdown");

  auto quit = qmp.execute("quit", steady_clock::now() + seconds(10));
  ASSERT_TRUE(quit) << quit.error().text();
  EXPECT_TRUE(qmp.waitClosed(steady_clock::now() + seconds(10)));
  auto exited = qemu.reap(seconds(20));
  ASSERT_TRUE(exited);
  EXPECT_TRUE(WIFEXITED(*exited) && WEXITSTATUS(*exited) == 0) << *exited;
  std::cout << "[ measure  ] guest build/cache check: " << buildMs
            << " ms; cont to VIRTUS-DONE: " << reportMs << " ms; QEMU start to exit: "
            << std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count()
            << " ms\n";
}

}  // namespace
}  // namespace virtus::qemu
