// The mpath backend over a sysfs and /dev tree laid out as on a host with two multipath maps
// (mpatha = dm-0, mpathb = dm-3), an LVM volume (dm-1) and a partition of mpatha (dm-2), as
// multipathd, LVM, kpartx and udev make them; udevadm is replayed (no device-mapper here).
#include "storage/backends/mpath/mpath_backend.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/mpath/mpath_maps.h"
#include "support/temp_dir.h"

namespace virtus::storage::mpath {
namespace {

class MpathTree {
 public:
  MpathTree() {
    dm(0, "mpatha", "mpath-3600a098038304437415d4b6a59684a52", 20971520);
    dm(1, "vg0-root", "LVM-Xq3OeC1vbZ1RuwnrlRgBqv0Xk9LfnOTd3ku2uHZZdDbUjjOqvMUMlA5h8Bj0Z3Yf",
       8388608);
    dm(2, "mpatha1", "part1-mpath-3600a098038304437415d4b6a59684a52", 20969472);
    dm(3, "mpathb", "mpath-3600a098038304437415d4b6a59684a53", 41943040);
    std::filesystem::create_directories(tmp_.file("dev/mapper"));
    link("dev/mapper/mpatha", "../dm-0");
    link("dev/mapper/vg0-root", "../dm-1");
    link("dev/mapper/mpatha1", "../dm-2");
    link("dev/mapper/mpathb", "../dm-3");
    // A disk that is no dm device at all.
    file("sys/devices/pci0000:00/0000:00:10.0/host5/target5:0:0/5:0:0:0/block/sdb/size", "8\n");
    std::filesystem::create_symlink(
        "../devices/pci0000:00/0000:00:10.0/host5/target5:0:0/5:0:0:0/block/sdb",
        tmp_.file("sys/block/sdb"));
  }
  bool ok() const { return tmp_.ok(); }
  std::string sys() const { return tmp_.file("sys"); }
  std::string dev() const { return tmp_.file("dev"); }
  void file(const std::string& relative, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(tmp_.file(relative)).parent_path());
    tmp_.write(relative, text);
  }
  void link(const std::string& relative, const std::string& to) const {
    std::filesystem::create_symlink(to, tmp_.file(relative));
  }
  void remove(const std::string& relative) const {
    std::filesystem::remove_all(tmp_.file(relative));
  }

 private:
  // dm-N as the kernel shows it: /sys/devices/virtual/block/dm-N with /sys/block/dm-N.
  void dm(unsigned minor, const std::string& name, const std::string& uuid, std::uint64_t sectors) {
    const std::string dev = "dm-" + std::to_string(minor);
    const std::string dir = "sys/devices/virtual/block/" + dev;
    file(dir + "/dm/name", name + "\n");
    file(dir + "/dm/uuid", uuid + "\n");
    file(dir + "/dev", "253:" + std::to_string(minor) + "\n");
    file(dir + "/size", std::to_string(sectors) + "\n");
    std::filesystem::create_directories(tmp_.file("sys/block"));
    link("sys/block/" + dev, "../devices/virtual/block/" + dev);
    file("dev/" + dev, "");
  }

  fixtures::TempDir tmp_{"virtus-mpath"};
};

class MpathBackendRecorded : public ::testing::Test {
 protected:
  MpathBackendRecorded()
      : backend_(BackendContext{runner_, fs_, clock_}, HostRoots{tree_.sys(), tree_.dev()}) {}

  static PoolRuntime pool() {
    PoolRuntime p;
    p.def.type = model::PoolType::Mpath;
    p.def.name = "mpath";
    p.def.target.path = "/dev/mapper";
    return p;
  }

  MpathTree tree_;
  virtus::testing::FakeCommandRunner runner_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  MpathBackend backend_;
};

TEST_F(MpathBackendRecorded, MapsAreTheMultipathDmDevicesOnly) {
  ASSERT_TRUE(tree_.ok());
  auto maps = multipathMaps(fs_, tree_.sys());
  ASSERT_TRUE(maps) << maps.error().message;
  ASSERT_EQ(maps->size(), 2u);
  EXPECT_EQ((*maps)[0].minor, 0u);
  EXPECT_EQ((*maps)[0].name, "mpatha");
  EXPECT_EQ((*maps)[0].uuid, "mpath-3600a098038304437415d4b6a59684a52");
  EXPECT_EQ((*maps)[0].bytes(), 10737418240u);
  EXPECT_EQ((*maps)[1].minor, 3u);
  EXPECT_EQ((*maps)[1].name, "mpathb");
}

TEST_F(MpathBackendRecorded, RefreshListsTheMapsAsLibvirtNamesThem) {
  PoolRuntime p = pool();
  runner_.expect("udevadm", "settle").replies(0);
  auto refreshed = backend_.refreshPool(p);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  ASSERT_EQ(p.volumes.size(), 2u);
  EXPECT_EQ(p.volumes[0].name, "dm-0");
  EXPECT_EQ(p.volumes[0].target.path, "/dev/mapper/mpatha");
  EXPECT_EQ(p.volumes[0].key, "/dev/mapper/mpatha");
  EXPECT_EQ(p.volumes[0].type, model::VolType::Block);
  EXPECT_EQ(p.volumes[0].capacity, 10737418240u);
  EXPECT_EQ(p.volumes[0].allocation, 10737418240u);
  EXPECT_EQ(p.volumes[1].name, "dm-3");
  EXPECT_EQ(p.volumes[1].target.path, "/dev/mapper/mpathb");
  EXPECT_EQ(p.volumes[1].capacity, 21474836480u);
  EXPECT_EQ(p.def.capacity, 32212254720u);
  EXPECT_EQ(p.def.allocation, 32212254720u);
  EXPECT_EQ(p.def.available, 0u);
  EXPECT_TRUE(p.unreadable.empty());
  ASSERT_EQ(runner_.commands().size(), 1u);
  EXPECT_EQ(runner_.commands()[0].timeout, std::chrono::milliseconds(30000));
}

TEST_F(MpathBackendRecorded, MapWithoutNodeIsReportedNotDropped) {
  tree_.remove("dev/mapper/mpathb");
  PoolRuntime p = pool();
  runner_.expect("udevadm", "settle").replies(0);
  ASSERT_TRUE(backend_.refreshPool(p));
  ASSERT_EQ(p.volumes.size(), 1u);
  ASSERT_EQ(p.unreadable.size(), 1u);
  EXPECT_EQ(p.unreadable[0].first, "/dev/mapper/mpathb");
  EXPECT_EQ(p.def.capacity, 10737418240u);
}

TEST_F(MpathBackendRecorded, GarbageInSysfsIsInternalError) {
  tree_.file("sys/devices/virtual/block/dm-3/size", "lots\n");
  PoolRuntime p = pool();
  runner_.expect("udevadm", "settle").replies(0);
  auto size = backend_.refreshPool(p);
  ASSERT_FALSE(size);
  EXPECT_EQ(size.error().code, ErrorCode::InternalError);
  EXPECT_EQ(size.error().message,
            "Invalid integer value 'lots' in file '" + tree_.sys() + "/block/dm-3/size'");

  tree_.file("sys/devices/virtual/block/dm-3/size", "8\n");
  tree_.file("sys/devices/virtual/block/dm-3/dev", "253\n");
  runner_.expect("udevadm", "settle").replies(0);
  auto dev = backend_.refreshPool(p);
  ASSERT_FALSE(dev);
  EXPECT_EQ(dev.error().code, ErrorCode::InternalError);
  EXPECT_EQ(dev.error().message,
            "Invalid device number '253' in file '" + tree_.sys() + "/block/dm-3/dev'");
}

TEST_F(MpathBackendRecorded, SettleDeadlineIsOperationTimeoutAndMissingUdevIsNot) {
  PoolRuntime p = pool();
  runner_.expect("udevadm", "settle")
      .fails(makeError(ErrorCode::OperationTimeout, ErrorDomain::None, "timed out"));
  auto late = backend_.refreshPool(p);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::OperationTimeout);

  runner_.expect("udevadm", "settle")
      .fails(makeError(ErrorCode::SystemError, ErrorDomain::None, "Cannot find 'udevadm'"));
  ASSERT_TRUE(backend_.refreshPool(p));
  EXPECT_EQ(p.volumes.size(), 2u);
}

TEST_F(MpathBackendRecorded, NoMapsIsAnEmptyPool) {
  for (const char* dm : {"dm-0", "dm-1", "dm-2", "dm-3"})
    tree_.remove("sys/block/" + std::string(dm));
  PoolRuntime p = pool();
  runner_.expect("udevadm", "settle").replies(0);
  ASSERT_TRUE(backend_.refreshPool(p));
  EXPECT_TRUE(p.volumes.empty());
  EXPECT_EQ(p.def.capacity, 0u);
}

TEST_F(MpathBackendRecorded, CheckIsWhetherDevMapperExistsAndNothingElseIsSupported) {
  EXPECT_TRUE(backend_.checkPool(pool()).value());
  tree_.remove("dev/mapper");
  EXPECT_FALSE(backend_.checkPool(pool()).value());
  BackendFeatures f = backend_.features();
  EXPECT_FALSE(f.startPool || f.stopPool || f.buildPool || f.createVol || f.deleteVol);
  // Start and stop have nothing to do (libvirt has neither); volumes cannot be made.
  PoolRuntime p = pool();
  EXPECT_TRUE(backend_.startPool(p));
  EXPECT_TRUE(backend_.stopPool(p));
  EXPECT_TRUE(runner_.commands().empty());
  model::VolDef vol;
  vol.name = "new";
  auto created = backend_.createVol(p, vol);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::NoSupport);
}

}  // namespace
}  // namespace virtus::storage::mpath
