// The logical backend for real: LVM 2.03 on loop devices through the real command runner.
// These machines have no device-mapper, so LVM runs with a private configuration
// (LVM_SYSTEM_DIR) that sees only the test's loop devices and never activates anything
// (`activation = 0`): everything that lives in the PV metadata works (pvcreate, vgcreate,
// lvcreate of linear LVs, lvresize, lvremove, vgremove, pvremove).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "driver/storage_flags.h"
#include "os/clock.h"
#include "os/linux_command_runner.h"
#include "os/linux_file_system.h"
#include "storage/backends/logical/logical_backend.h"
#include "support/loop_device.h"
#include "support/services.h"
#include "support/temp_dir.h"

namespace virtus::storage::logical {
namespace {

using virtus::testing::runTool;

// Points LVM at a private configuration for the life of the object: only `devices` are
// scanned, nothing is activated, locks and metadata backups stay under `dir`. The previous
// environment is restored afterwards.
class LvmSandbox {
 public:
  LvmSandbox(const std::string& dir, const std::vector<std::string>& devices) {
    namespace fs = std::filesystem;
    fs::create_directories(dir + "/etc");
    fs::create_directories(dir + "/lock");
    std::string accept;
    for (const auto& d : devices)
      accept += "\"a|^" + d + "$|\", ";
    std::ofstream conf(dir + "/etc/lvm.conf");
    conf << "devices {\n"
         << "  filter = [ " << accept << "\"r|.*|\" ]\n"
         << "  global_filter = [ " << accept << "\"r|.*|\" ]\n"
         << "  obtain_device_list_from_udev = 0\n"
         << "  external_device_info_source = \"none\"\n"
         << "  use_devicesfile = 0\n"
         << "  hints = \"none\"\n"
         << "}\n"
         << "activation { udev_sync = 0  udev_rules = 0  monitoring = 0 }\n"
         << "global {\n"
         << "  activation = 0\n"
         << "  locking_dir = \"" << dir << "/lock\"\n"
         << "  use_lvmpolld = 0\n"
         << "  event_activation = 0\n"
         << "}\n"
         << "backup { backup_dir = \"" << dir << "/etc/backup\"  archive_dir = \"" << dir
         << "/etc/archive\" }\n";
    save("LVM_SYSTEM_DIR", dir + "/etc");
    save("LVM_SUPPRESS_FD_WARNINGS", "1");
  }
  ~LvmSandbox() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }
  LvmSandbox(const LvmSandbox&) = delete;
  LvmSandbox& operator=(const LvmSandbox&) = delete;

 private:
  void save(const std::string& name, const std::string& value) {
    const char* old = ::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// Removes the VG and the PVs whatever the test left (before the loops are detached).
class VgCleanup {
 public:
  VgCleanup(std::string vg, std::vector<std::string> devices)
      : vg_(std::move(vg)), devices_(std::move(devices)) {}
  ~VgCleanup() {
    // Quietly: after a passing test there is nothing left to remove.
    runTool({"sh", "-c", "vgremove -f \"$0\" >/dev/null 2>&1", vg_});
    for (const auto& d : devices_)
      runTool({"sh", "-c", "pvremove -ff -y \"$0\" >/dev/null 2>&1", d});
  }

 private:
  std::string vg_;
  std::vector<std::string> devices_;
};

// Whether the LVM tools are installed (without running one against the host's devices).
bool lvmAvailable() {
  std::string out;
  return runTool({"sh", "-c", "command -v lvm"}, &out) == 0;
}

class LogicalReal : public ::testing::Test {
 protected:
  std::unique_ptr<LogicalBackend> backend() {
    BackendContext ctx{runner_, fs_, clock_};
    ctx.networkTimeout = std::chrono::seconds(60);
    return std::make_unique<LogicalBackend>(ctx, makeBlkidProbe());
  }
  model::PoolDef poolDef(const std::string& vg, const std::vector<std::string>& devices) {
    model::PoolDef def;
    def.type = model::PoolType::Logical;
    def.name = "lvtest";
    def.source.name = vg;
    def.source.format = "lvm2";
    for (const auto& d : devices)
      def.source.devices.push_back({d});
    def.target.path = "/dev/" + vg;
    return def;
  }
  bool deviceEmpty(const std::string& dev) {
    auto content = makeBlkidProbe()->probe(dev);
    EXPECT_TRUE(content) << content.error().message;
    return content && content->empty();
  }

  os::LinuxCommandRunner runner_{std::chrono::seconds(120)};
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
};

TEST_F(LogicalReal, WholeLifecycleOnTwoLoopDevices) {
  if (!lvmAvailable())
    GTEST_SKIP() << "LVM tools are not installed";
  fixtures::TempDir tmp("virtus-lvm");
  VIRTUS_NEED_LOOP_DEVICE(loop1, tmp.path(), 64 << 20, false);
  VIRTUS_NEED_LOOP_DEVICE(loop2, tmp.path(), 64 << 20, false);
  const std::vector<std::string> devices = {loop1.path(), loop2.path()};
  LvmSandbox sandbox(tmp.path() + "/lvm", devices);
  const std::string vg = "virtus_lt_" + std::to_string(::getpid());
  VgCleanup cleanup(vg, devices);
  auto b = backend();
  PoolRuntime pool;
  pool.def = poolDef(vg, devices);

  auto built = b->buildPool(pool, driver::build_pool::kNoOverwrite);
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_FALSE(deviceEmpty(loop1.path()));
  // Built already: the devices hold PVs now, which NO_OVERWRITE refuses.
  auto again = b->buildPool(pool, 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::StoragePoolBuilt);

  ASSERT_TRUE(b->startPool(pool));
  auto refreshed = b->refreshPool(pool);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  // Two 64 MiB PVs with LVM's default 1 MiB metadata area and 4 MiB extents: 2 x 15 extents.
  EXPECT_EQ(pool.def.capacity, 125829120u);
  EXPECT_EQ(pool.def.available, 125829120u);
  EXPECT_EQ(pool.def.allocation, 0u);
  EXPECT_TRUE(pool.volumes.empty());

  model::VolDef vol;
  vol.name = "lv1";
  vol.capacity = vol.allocation = 20 << 20;
  ASSERT_TRUE(b->createVol(pool, vol));
  auto made = b->buildVol(pool, vol, 0);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(vol.key.size(), 38u) << vol.key;  // an LVM UUID

  ASSERT_TRUE(b->refreshPool(pool));
  ASSERT_EQ(pool.volumes.size(), 1u);
  EXPECT_EQ(pool.volumes[0].name, "lv1");
  EXPECT_EQ(pool.volumes[0].key, vol.key);
  EXPECT_EQ(pool.volumes[0].target.path, "/dev/" + vg + "/lv1");
  EXPECT_EQ(pool.volumes[0].capacity, 20u << 20);
  EXPECT_EQ(pool.volumes[0].allocation, 20u << 20);
  ASSERT_EQ(pool.volumes[0].source.extents.size(), 1u);
  EXPECT_EQ(pool.def.available, 125829120u - (20u << 20));

  auto grown = b->resizeVol(pool, vol, 24 << 20, 0);
  ASSERT_TRUE(grown) << grown.error().message;
  EXPECT_EQ(vol.capacity, 24u << 20);
  auto shrunk = b->resizeVol(pool, vol, 16 << 20, driver::resize_vol::kShrink);
  ASSERT_TRUE(shrunk) << shrunk.error().message;
  ASSERT_TRUE(b->refreshPool(pool));
  ASSERT_EQ(pool.volumes.size(), 1u);
  EXPECT_EQ(pool.volumes[0].capacity, 16u << 20);

  auto sources = b->findPoolSources("", 0);
  ASSERT_TRUE(sources) << sources.error().message;
  EXPECT_NE(sources->find("<name>" + vg + "</name>"), std::string::npos) << *sources;
  EXPECT_NE(sources->find("<device path='" + loop1.path() + "'/>"), std::string::npos);
  EXPECT_NE(sources->find("<device path='" + loop2.path() + "'/>"), std::string::npos);

  auto removed = b->deleteVol(pool, pool.volumes[0], 0);
  ASSERT_TRUE(removed) << removed.error().message;
  ASSERT_TRUE(b->refreshPool(pool));
  EXPECT_TRUE(pool.volumes.empty());

  ASSERT_TRUE(b->stopPool(pool));
  auto deleted = b->deletePool(pool, 0);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_TRUE(deviceEmpty(loop1.path()));
  EXPECT_TRUE(deviceEmpty(loop2.path()));
  // The VG is gone: starting it again fails as libvirt does.
  auto start = b->startPool(pool);
  ASSERT_FALSE(start);
  EXPECT_EQ(start.error().code, ErrorCode::ConfigUnsupported);
}

TEST_F(LogicalReal, FailedBuildLeavesTheDevicesClean) {
  if (!lvmAvailable())
    GTEST_SKIP() << "LVM tools are not installed";
  fixtures::TempDir tmp("virtus-lvm");
  VIRTUS_NEED_LOOP_DEVICE(loop1, tmp.path(), 16 << 20, false);
  LvmSandbox sandbox(tmp.path() + "/lvm", {loop1.path()});
  VgCleanup cleanup("bad name", {loop1.path()});
  auto b = backend();
  PoolRuntime pool;
  pool.def = poolDef("bad name", {loop1.path()});  // vgcreate refuses the name
  auto built = b->buildPool(pool, 0);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code, ErrorCode::InternalError);
  EXPECT_NE(built.error().message.find("vgcreate"), std::string::npos) << built.error().message;
  // pvcreate ran, then its PV was removed again.
  EXPECT_TRUE(deviceEmpty(loop1.path()));
}

}  // namespace
}  // namespace virtus::storage::logical
