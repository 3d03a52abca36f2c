// fs pools on real loop devices: mkfs, the libblkid probe, mount, the dir refresh on the
// mount point, volumes, umount. Skipped without loop devices (failed under
// VIRTUS_REQUIRE_SERVICES); MountGuard and LoopDevice undo everything even when a test fails.
#include <gtest/gtest.h>
#include <sys/statvfs.h>

#include <fstream>

#include "driver/storage_flags.h"
#include "os/clock.h"
#include "os/linux_command_runner.h"
#include "os/linux_file_system.h"
#include "storage/backends/fs/fs_backend.h"
#include "support/loop_device.h"
#include "support/temp_dir.h"

namespace virtus::storage::fs {
namespace {

using namespace driver::build_pool;
using virtus::testing::MountGuard;

// mkfs.xfs refuses devices under 300 MiB; the image is sparse.
constexpr std::uint64_t kDeviceSize = 320ull << 20;

class FsReal : public ::testing::Test {
 protected:
  PoolRuntime pool(const std::string& device, const std::string& format) {
    PoolRuntime p;
    p.def.type = model::PoolType::Fs;
    p.def.name = "real-" + format;
    p.def.source.devices = {{device, model::TriState::Absent, {}}};
    p.def.source.format = format;
    p.def.target.path = target();
    return p;
  }
  std::string target() const { return dir_.file("mnt"); }

  // The whole lifecycle of one pool over a fresh loop device.
  void lifecycle(const std::string& format);

  fixtures::TempDir dir_{"virtus-fsreal"};
  os::LinuxCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  BackendContext ctx_{commands_, fs_, clock_};
  FsBackend backend_{ctx_, model::PoolType::Fs, makeBlkidProbe()};
};

void FsReal::lifecycle(const std::string& format) {
  VIRTUS_NEED_LOOP_DEVICE(loop, dir_.path(), kDeviceSize, false);
  MountGuard mounts(target());
  PoolRuntime p = pool(loop.path(), format);

  auto built = backend_.buildPool(p, kOverwrite);
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_TRUE(fs_.stat(target())->isDirectory);
  // The filesystem mkfs wrote is there now: building without overwrite is refused.
  auto again = backend_.buildPool(p, kNoOverwrite);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(again.error().message,
            "Device '" + loop.path() + "' already formatted using '" + format + "'");

  ASSERT_FALSE(*backend_.checkPool(p));
  auto started = backend_.startPool(p);
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_TRUE(*backend_.checkPool(p));
  ASSERT_TRUE(backend_.startPool(p));  // already mounted: nothing to do

  std::ofstream(target() + "/written.img") << std::string(8192, 'v');
  auto refreshed = backend_.refreshPool(p);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  bool found = false;
  for (const auto& vol : p.volumes) {
    if (vol.name == "written.img") {
      found = true;
      EXPECT_EQ(vol.capacity, 8192u);
    }
  }
  EXPECT_TRUE(found);
  struct statvfs sv {};
  ASSERT_EQ(::statvfs(target().c_str(), &sv), 0);
  EXPECT_EQ(p.def.capacity, static_cast<std::uint64_t>(sv.f_blocks) * sv.f_frsize);
  EXPECT_GT(p.def.capacity, 200ull << 20);

  model::VolDef vol;
  vol.name = "made.raw";
  vol.capacity = 4 << 20;
  vol.hasCapacity = true;
  ASSERT_TRUE(backend_.createVol(p, vol));
  auto made = backend_.buildVol(p, vol, 0);
  ASSERT_TRUE(made) << made.error().message;
  ASSERT_TRUE(backend_.refreshPool(p));
  EXPECT_EQ(p.volumes.size(), format == "ext4" ? 3u : 2u);  // ext4 has lost+found (a dir vol)
  ASSERT_TRUE(backend_.deleteVol(p, vol, 0));
  EXPECT_FALSE(fs_.exists(target() + "/made.raw"));
  ASSERT_TRUE(fs_.removeFile(target() + "/written.img"));

  auto stopped = backend_.stopPool(p);
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_FALSE(*backend_.checkPool(p));
  EXPECT_TRUE(virtus::testing::mountsUnder(target()).empty());
  ASSERT_TRUE(backend_.stopPool(p));  // not mounted: nothing to do
  auto deleted = backend_.deletePool(p, 0);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_FALSE(fs_.exists(target()));
}

TEST_F(FsReal, Ext4Lifecycle) {
  lifecycle("ext4");
}

TEST_F(FsReal, XfsLifecycle) {
  lifecycle("xfs");
}

TEST_F(FsReal, BtrfsLifecycle) {
  lifecycle("btrfs");
}

TEST_F(FsReal, NoOverwriteFormatsAnEmptyDeviceAndRefusesAnother) {
  VIRTUS_NEED_LOOP_DEVICE(loop, dir_.path(), 64ull << 20, false);
  MountGuard mounts(target());
  PoolRuntime p = pool(loop.path(), "ext4");
  auto built = backend_.buildPool(p, kNoOverwrite);
  ASSERT_TRUE(built) << built.error().message;
  ASSERT_TRUE(backend_.deletePool(p, 0));
  // An ext4 device is not what a vfat pool expects: refused, and nothing left behind.
  PoolRuntime vfat = pool(loop.path(), "vfat");
  auto refused = backend_.buildPool(vfat, kNoOverwrite);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(refused.error().message, "Format of device '" + loop.path() +
                                         "' does not match the expected format 'vfat', forced "
                                         "overwrite is necessary");
  EXPECT_FALSE(fs_.exists(target()));
}

TEST_F(FsReal, VfatMkfs) {
  // vfat cannot be mounted on these machines; mkfs.vfat (-I) works.
  VIRTUS_NEED_LOOP_DEVICE(loop, dir_.path(), 64ull << 20, false);
  PoolRuntime p = pool(loop.path(), "vfat");
  auto built = backend_.buildPool(p, kOverwrite);
  ASSERT_TRUE(built) << built.error().message;
  auto again = backend_.buildPool(p, kNoOverwrite);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "Device '" + loop.path() + "' already formatted using 'vfat'");
}

TEST_F(FsReal, DeviceNamedByASymlinkIsFoundMounted) {
  // The mount table names /dev/loopN; the pool names a link to it, as /dev/disk/by-uuid/...
  VIRTUS_NEED_LOOP_DEVICE(loop, dir_.path(), 64ull << 20, false);
  MountGuard mounts(target());
  const std::string link = dir_.file("by-uuid-link");
  ASSERT_TRUE(fs_.symlink(loop.path(), link));
  PoolRuntime p = pool(link, "ext4");
  ASSERT_TRUE(backend_.buildPool(p, kOverwrite));
  auto started = backend_.startPool(p);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_TRUE(*backend_.checkPool(p));
  ASSERT_TRUE(backend_.startPool(p));  // found mounted: no second mount
  EXPECT_EQ(virtus::testing::mountsUnder(target()).size(), 1u);
  ASSERT_TRUE(backend_.stopPool(p));
  EXPECT_FALSE(*backend_.checkPool(p));
  EXPECT_TRUE(virtus::testing::mountsUnder(target()).empty());
}

TEST_F(FsReal, MountFailureIsReported) {
  // An empty device has no filesystem to mount.
  VIRTUS_NEED_LOOP_DEVICE(loop, dir_.path(), 16ull << 20, false);
  MountGuard mounts(target());
  PoolRuntime p = pool(loop.path(), "ext4");
  ASSERT_TRUE(backend_.buildPool(p, 0));
  auto started = backend_.startPool(p);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::InternalError);
  EXPECT_NE(started.error().message.find("unexpected exit status"), std::string::npos)
      << started.error().message;
  EXPECT_FALSE(*backend_.checkPool(p));
}

}  // namespace
}  // namespace virtus::storage::fs
