// A network disk against the real thing: qemu-nbd serves a qcow2 image over a unix socket,
// QEMU (-S, no guest) starts with the command line buildQemuCommandLine makes for an nbd
// disk, and QMP shows the nodes it opened. The same QEMU takes a secret object in both of
// Virtus' forms (-object with a file, object-add with base64 data). Skipped when QEMU or
// qemu-nbd is absent, unless VIRTUS_REQUIRE_QEMU=1, where that is a failure.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command.h"
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

// The qemu-nbd server, which --fork detaches once its socket listens: killed at the end if
// it is still there (it exits by itself when its one client goes).
class NbdServer {
 public:
  ~NbdServer() {
    if (pid_ > 0 && readFile("/proc/" + std::to_string(pid_) + "/cmdline").find("qemu-nbd") !=
                        std::string::npos)
      ::kill(pid_, SIGKILL);
  }
  void setPid(pid_t pid) { pid_ = pid; }

 private:
  pid_t pid_ = -1;
};

class NbdRealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    qemu_ = onPath("qemu-system-x86_64");
    qemuNbd_ = onPath("qemu-nbd");
    qemuImg_ = onPath("qemu-img");
    if (qemu_.empty() || qemuNbd_.empty() || qemuImg_.empty()) {
      const char* require = std::getenv("VIRTUS_REQUIRE_QEMU");
      if (require && std::string(require) == "1")
        FAIL() << "qemu-system-x86_64, qemu-nbd or qemu-img is missing and "
                  "VIRTUS_REQUIRE_QEMU=1";
      GTEST_SKIP() << "qemu-system-x86_64, qemu-nbd or qemu-img is not installed";
    }
    std::string pattern = ::testing::TempDir() + "nbd-qemu-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Runs a short command to its end (bounded); its output is in `log`.
  void run(const std::vector<std::string>& argv, const std::string& log) {
    TestChildProcess child;
    ASSERT_TRUE(child.start(argv, log)) << argv[0];
    auto status = child.reap(seconds(30));
    ASSERT_TRUE(status) << argv[0] << " did not finish within 30 s";
    ASSERT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << argv[0] << " failed: " << readFile(log);
  }

  os::SystemClock clock_;
  std::string qemu_, qemuNbd_, qemuImg_;
  std::string dir_;
};

TEST_F(NbdRealTest, QemuOpensAnNbdDiskWithItsFormatAndTakesSecretObjects) {
  constexpr std::uint64_t kVirtualSize = 64ull << 20;
  std::string image = dir_ + "/disk.qcow2";
  run({qemuImg_, "create", "-q", "-f", "qcow2", image, std::to_string(kVirtualSize)},
      dir_ + "/qemu-img.log");
  auto imageBytes = std::filesystem::file_size(image);

  // qemu-nbd exposes the qcow2 file's bytes as they are (raw): the guest's qcow2 node
  // interprets them, so the format on the command line is what decides the disk's size.
  std::string nbdSocket = dir_ + "/nbd.sock";
  NbdServer server;
  run({qemuNbd_, "--fork", "--pid-file=" + dir_ + "/nbd.pid", "--socket=" + nbdSocket,
       "--format=raw", "--export-name=disk0", image},
      dir_ + "/qemu-nbd.log");
  server.setPid(static_cast<pid_t>(std::atol(readFile(dir_ + "/nbd.pid").c_str())));

  auto def = model::parseDomainXml(
      "<domain type='qemu'><name>nbd1</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
      "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
      "<disk type='network' device='disk'><driver name='qemu' type='qcow2'/>"
      "<source protocol='nbd' name='disk0'><host transport='unix' socket='" +
      nbdSocket +
      "'/></source><target dev='vda' bus='virtio'/></disk>"
      "<memballoon model='none'/></devices></domain>");
  ASSERT_TRUE(def) << def.error().text();
  QemuLaunchPaths paths;
  paths.emulator = qemu_;
  paths.monitorSocket = dir_ + "/qmp.sock";
  auto cmd = buildQemuCommandLine(*def, paths);
  ASSERT_TRUE(cmd) << cmd.error().text();

  // A secret given as a file (the command-line form), written as the driver writes it.
  std::string secretDir = dir_ + "/secrets";
  ASSERT_EQ(::mkdir(secretDir.c_str(), 0700), 0);
  QemuSecretObject fileSecret{"libvirt-9-storage-auth-secret0",
                              secretDir + "/libvirt-9-storage-auth-secret0", "s3cret"};
  {
    std::ofstream out(fileSecret.path, std::ios::binary);
    out << fileSecret.value;
  }
  ASSERT_EQ(::chmod(fileSecret.path.c_str(), 0600), 0);
  std::vector<std::string> argv = cmd->argv;
  argv.insert(argv.end() - 4, {"-object", fileSecret.commandLineJson()});

  TestChildProcess qemu;
  auto deadline = steady_clock::now() + seconds(30);
  ASSERT_TRUE(qemu.start(argv, dir_ + "/qemu.log"));
  auto fd = connectQmp(paths.monitorSocket, clock_, deadline, qemu.pid());
  ASSERT_TRUE(fd) << fd.error().text() << "\n" << readFile(dir_ + "/qemu.log");
  auto client = QmpClient::open(*fd, clock_, deadline);
  ASSERT_TRUE(client) << client.error().text() << "\n" << readFile(dir_ + "/qemu.log");
  QmpClient& qmp = **client;

  auto nodes = qmp.execute("query-named-block-nodes", json{{"flat", true}}, deadline);
  ASSERT_TRUE(nodes) << nodes.error().text();
  const json* format = nullptr;
  const json* storage = nullptr;
  for (const json& n : *nodes) {
    if (n["node-name"] == "libvirt-1-format")
      format = &n;
    if (n["node-name"] == "libvirt-1-storage")
      storage = &n;
  }
  ASSERT_NE(format, nullptr) << nodes->dump();
  ASSERT_NE(storage, nullptr) << nodes->dump();
  EXPECT_EQ((*format)["drv"], "qcow2");
  EXPECT_EQ((*format)["image"]["virtual-size"], kVirtualSize);
  EXPECT_EQ((*format)["ro"], false);
  EXPECT_EQ((*storage)["drv"], "nbd");
  // NBD sizes are whole sectors: the client rounds the export's size up to 512 bytes.
  EXPECT_EQ((*storage)["image"]["virtual-size"], (imageBytes + 511) / 512 * 512);

  // The device runs on the format node.
  auto block = qmp.execute("query-block", deadline);
  ASSERT_TRUE(block) << block.error().text();
  bool attached = false;
  for (const json& b : *block)
    if (b.value("qdev", "").find("virtio-disk0") != std::string::npos)
      attached = b["inserted"]["node-name"] == "libvirt-1-format";
  EXPECT_TRUE(attached) << block->dump();

  // Both forms of secret object exist in QEMU: the file one from the command line, and one
  // added over QMP as hotplug adds them.
  QemuSecretObject hotplugged{"libvirt-10-storage-auth-secret0", "", std::string("k\0y", 3)};
  auto added = qmp.execute("object-add", hotplugged.objectAddArguments(), deadline);
  ASSERT_TRUE(added) << added.error().text();
  auto objects = qmp.execute("qom-list", json{{"path", "/objects"}}, deadline);
  ASSERT_TRUE(objects) << objects.error().text();
  std::vector<std::string> names;
  for (const json& o : *objects)
    names.push_back(o["name"].get<std::string>());
  EXPECT_NE(std::find(names.begin(), names.end(), fileSecret.id), names.end()) << objects->dump();
  EXPECT_NE(std::find(names.begin(), names.end(), hotplugged.id), names.end()) << objects->dump();
  // QEMU read the file at startup: the driver may remove it now.
  EXPECT_EQ(::unlink(fileSecret.path.c_str()), 0);
  auto removed = qmp.execute("object-del", json{{"id", hotplugged.id}}, deadline);
  EXPECT_TRUE(removed) << removed.error().text();

  auto quit = qmp.execute("quit", deadline);
  ASSERT_TRUE(quit) << quit.error().text();
  auto status = qemu.reap(seconds(10));
  ASSERT_TRUE(status) << "QEMU did not exit within 10 s of quit";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

}  // namespace
}  // namespace virtus::qemu
