// The zfs backend's pool operations on a scripted runner with recorded zfs/zpool output.
#include "storage/backends/zfs/zfs_backend.h"

#include <gtest/gtest.h>

#include "storage/backends/zfs/zfs_test_support.h"

namespace virtus::storage::zfs {
namespace {

using testing::testdata;

class ZfsPoolRecorded : public testing::ZfsBackendTest {};

TEST(ZfsBackend, DeclaresWhatItImplements) {
  virtus::testing::FakeCommandRunner commands;
  os::LinuxFileSystem fs;
  os::SystemClock clock;
  BackendContext ctx{commands, fs, clock};
  auto backend = makeZfsBackend(ctx);
  EXPECT_EQ(backend->type(), model::PoolType::Zfs);
  auto f = backend->features();
  EXPECT_TRUE(f.buildPool && f.deletePool && f.createVol && f.buildVol && f.buildVolFrom &&
              f.refreshVol && f.lookupVol && f.deleteVol && f.resizeVol && f.wipeVol);
  EXPECT_TRUE(f.uploadVol && f.downloadVol);
  EXPECT_FALSE(f.startPool || f.stopPool || f.findPoolSources);
}

TEST_F(ZfsPoolRecorded, CheckPoolAsksZfsWhetherTheDatasetExists) {
  commands_.expect("zfs", "list", "-H", "-t", "filesystem", "-o", "name", "tank")
      .replies(0, "tank\n");
  auto there = backend_.checkPool(pool_);
  ASSERT_TRUE(there) << there.error().message;
  EXPECT_TRUE(*there);

  commands_.expect("zfs", "list", "-H", "-t", "filesystem", "-o", "name", "tank")
      .replies(1, "", "cannot open 'tank': dataset does not exist\n");
  auto gone = backend_.checkPool(pool_);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);

  commands_.expect("zfs", "list", "-H", "-t", "filesystem", "-o", "name", "tank")
      .fails(testing::timeoutError());
  auto hung = backend_.checkPool(pool_);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);
  expectDeadlines();
}

TEST_F(ZfsPoolRecorded, RefreshReadsRecordedCapacityAndVolumes) {
  commands_.expect("zpool", "get", "-Hp", "health,size,free,allocated", "tank")
      .replies(0, testdata("zpool-get.out"));
  commands_
      .expect("zfs", "list", "-Hp", "-t", "volume", "-r", "-o", "name,volsize,refreservation",
              "tank")
      .replies(0, testdata("zfs-list-volumes.out"));
  auto r = backend_.refreshPool(pool_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(pool_.def.capacity, 10603200512u);
  EXPECT_EQ(pool_.def.available, 7356792832u);
  EXPECT_EQ(pool_.def.allocation, 3246407680u);
  ASSERT_EQ(pool_.volumes.size(), 3u);
  const auto& thick = pool_.volumes[0];
  EXPECT_EQ(thick.name, "disk1");
  EXPECT_EQ(thick.type, model::VolType::Block);
  EXPECT_EQ(thick.target.path, "/dev/zvol/tank/disk1");
  EXPECT_EQ(thick.key, "/dev/zvol/tank/disk1");
  EXPECT_EQ(thick.capacity, 2147483648u);
  EXPECT_EQ(thick.allocation, 2214592512u);
  EXPECT_EQ(pool_.volumes[1].name, "sparse");
  EXPECT_EQ(pool_.volumes[1].allocation, 0u);
  // libvirt names a volume of a child dataset by its last component.
  EXPECT_EQ(pool_.volumes[2].name, "web");
  expectDeadlines();
}

TEST_F(ZfsPoolRecorded, RefreshOfAPoolThatDoesNotExistFails) {
  commands_.expect("zpool", "get", "-Hp", "health,size,free,allocated", "nosuch")
      .replies(1, "", testdata("zpool-get-nosuch.err"));
  pool_.def = testing::tankPool("nosuch");
  auto r = backend_.refreshPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message,
            "Child process (zpool get -Hp health,size,free,allocated nosuch) unexpected exit "
            "status 1: cannot open 'nosuch': no such pool");
}

TEST_F(ZfsPoolRecorded, RefreshFailsOnGarbageAndDeadlines) {
  commands_.expect("zpool", "get", "-Hp", "health,size,free,allocated", "tank")
      .replies(0, testdata("zpool-get.out"));
  commands_
      .expect("zfs", "list", "-Hp", "-t", "volume", "-r", "-o", "name,volsize,refreservation",
              "tank")
      .replies(0, "tank/v1\tfoo\t0\n");
  pool_.volumes.push_back(model::VolDef{});
  auto garbage = backend_.refreshPool(pool_);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::InternalError);
  EXPECT_EQ(garbage.error().message,
            "'zfs list' reported a malformed volsize in line 'tank/v1\tfoo\t0'");

  commands_.expect("zpool", "get", "-Hp", "health,size,free,allocated", "tank")
      .fails(testing::timeoutError());
  auto hung = backend_.refreshPool(pool_);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);
}

TEST_F(ZfsPoolRecorded, BuildCreatesTheZpoolOnTheSourceDevices) {
  pool_.def.source.devices.push_back({"/dev/sdb"});
  commands_.expect("zpool", "create", "tank", "/dev/sdb").replies(0);
  auto r = backend_.buildPool(pool_, 0);
  ASSERT_TRUE(r) << r.error().message;
  expectDeadlines();

  commands_.expect("zpool", "create", "tank", "/dev/sdb")
      .replies(1, "",
               "invalid vdev specification\nuse '-f' to override the following errors:\n"
               "/dev/sdb contains a filesystem of type 'ext4'\n");
  auto busy = backend_.buildPool(pool_, 0);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::InternalError);
  EXPECT_NE(busy.error().message.find("/dev/sdb contains a filesystem of type 'ext4'"),
            std::string::npos);

  auto flags = backend_.buildPool(pool_, 4);
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().code, ErrorCode::InvalidArg);
}

TEST_F(ZfsPoolRecorded, BuildWithoutDevicesRunsNothing) {
  auto r = backend_.buildPool(pool_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(r.error().message, "missing source devices");
  EXPECT_TRUE(commands_.commands().empty());
}

TEST_F(ZfsPoolRecorded, BuildAndDeleteADatasetPool) {
  pool_.def = testing::tankPool("tank/vms");
  commands_.expect("zfs", "create", "-o", "mountpoint=none", "tank/vms").replies(0);
  ASSERT_TRUE(backend_.buildPool(pool_, 0));
  commands_.expect("zfs", "destroy", "-r", "tank/vms").replies(0);
  ASSERT_TRUE(backend_.deletePool(pool_, 0));
  expectDeadlines();
}

TEST_F(ZfsPoolRecorded, DeleteDestroysTheZpool) {
  commands_.expect("zpool", "destroy", "tank").replies(0);
  ASSERT_TRUE(backend_.deletePool(pool_, 0));
  commands_.expect("zpool", "destroy", "tank")
      .replies(1, "", "cannot destroy 'tank': pool is busy\n");
  auto busy = backend_.deletePool(pool_, 0);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::InternalError);
  EXPECT_EQ(busy.error().message,
            "Child process (zpool destroy tank) unexpected exit status 1: cannot destroy "
            "'tank': pool is busy");
  commands_.expect("zpool", "destroy", "tank").fails(testing::timeoutError());
  EXPECT_EQ(backend_.deletePool(pool_, 0).error().code, ErrorCode::OperationTimeout);
  expectDeadlines();
}

}  // namespace
}  // namespace virtus::storage::zfs
