// The disk backend on real loop devices with partition scanning: the real parted, libblkid,
// kernel partition nodes. Skipped without loop devices (failed under VIRTUS_REQUIRE_SERVICES).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "driver/storage_flags.h"
#include "os/clock.h"
#include "os/linux_command_runner.h"
#include "os/linux_file_system.h"
#include "storage/backends/disk/disk_backend.h"
#include "support/loop_device.h"
#include "support/temp_dir.h"

namespace virtus::storage::disk {
namespace {

using virtus::testing::LoopDevice;
using virtus::testing::runTool;

constexpr std::uint64_t kDiskSize = 256u << 20;
// The loop device's BIOS geometry: cylinders of 255 heads x 2 sectors.
constexpr std::uint64_t kCylinder = 255 * 2 * 512;

class DiskRealTest : public ::testing::Test {
 protected:
  DiskBackend makeBackend() {
    BackendContext ctx{runner_, fs_, clock_, nullptr, std::chrono::milliseconds(30000)};
    return DiskBackend(ctx, HostRoots{}, makeBlkidProbe());
  }

  PoolRuntime poolOn(const LoopDevice& loop, const std::string& format) {
    PoolRuntime pool;
    pool.def.type = model::PoolType::Disk;
    pool.def.name = "disk";
    pool.def.source.devices.push_back(model::PoolSourceDevice{loop.path()});
    pool.def.source.format = format;
    pool.def.target.path = "/dev";
    return pool;
  }

  static std::string name(const LoopDevice& loop, int n) {
    return loop.partition(n).substr(5);  // "loopNpM"
  }

  static std::string blkidPtType(const std::string& device) {
    std::string out;
    runTool({"blkid", "-p", "-s", "PTTYPE", "-o", "value", device}, &out);
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out;
  }

  // Creates volume `n` of `capacity` bytes and checks its node and extent.
  model::VolDef create(DiskBackend& b, PoolRuntime& pool, const LoopDevice& loop, int n,
                       std::uint64_t capacity, const std::string& format = "") {
    model::VolDef vol;
    vol.name = name(loop, n);
    vol.capacity = capacity;
    vol.hasCapacity = true;
    vol.target.format = format;
    auto created = b.createVol(pool, vol);
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    auto built = b.buildVol(pool, vol, 0);
    EXPECT_TRUE(built) << (built ? "" : built.error().message);
    EXPECT_EQ(vol.target.path, loop.partition(n));
    EXPECT_TRUE(fs_.exists(loop.partition(n))) << loop.partition(n);
    return vol;
  }

  std::string readNode(const std::string& path, std::uint64_t offset, std::size_t n) {
    auto file = fs_.open(path, os::OpenMode::Read);
    EXPECT_TRUE(file);
    if (!file)
      return {};
    std::string buf(n, '?');
    auto got = (*file)->readAt(offset, std::span<char>(buf.data(), buf.size()));
    EXPECT_TRUE(got);
    return buf;
  }

  void fillNode(const std::string& path, std::uint64_t offset, std::size_t n) {
    auto file = fs_.open(path, os::OpenMode::ReadWrite);
    ASSERT_TRUE(file);
    std::string data(n, '\xaa');
    ASSERT_TRUE((*file)->writeAt(offset, std::span<const char>(data.data(), data.size())));
    ASSERT_TRUE((*file)->sync());
  }

  fixtures::TempDir dir_{"virtus-disk-real"};
  os::LinuxCommandRunner runner_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
};

TEST_F(DiskRealTest, DiskRealDosPoolWithExtendedAndLogical) {
  VIRTUS_NEED_LOOP_DEVICE(loop, dir_.path(), kDiskSize, true);
  auto b = makeBackend();
  auto pool = poolOn(loop, "dos");

  auto built = b.buildPool(pool, 0);
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(blkidPtType(loop.path()), "dos");
  ASSERT_TRUE(b.startPool(pool));
  ASSERT_TRUE(b.refreshPool(pool));
  EXPECT_TRUE(pool.volumes.empty());
  EXPECT_EQ(pool.def.capacity, kDiskSize);
  EXPECT_EQ(pool.def.allocation, 0u);
  EXPECT_EQ(pool.def.available, kDiskSize - 1024);

  // Three primaries, the extended partition in the fourth slot, then a logical one.
  const std::vector<std::uint64_t> sizes = {10u << 20, 20u << 20, 5u << 20, 100u << 20, 10u << 20};
  for (int n = 1; n <= 5; ++n) {
    auto vol = create(b, pool, loop, n, sizes[n - 1], n == 4 ? "extended" : "linux");
    EXPECT_GE(vol.capacity, sizes[n - 1]) << n;
    EXPECT_LT(vol.capacity, sizes[n - 1] + 2 * kCylinder) << n;
  }
  auto refreshed = b.refreshPool(pool);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  ASSERT_EQ(pool.volumes.size(), 5u);
  const auto& extended = pool.volumes[3];
  const auto& logical = pool.volumes[4];
  EXPECT_EQ(extended.name, name(loop, 4));
  EXPECT_EQ(extended.allocation, logical.capacity);
  EXPECT_GE(logical.source.extents[0].start, extended.source.extents[0].start + 512);
  EXPECT_LE(logical.source.extents[0].end, extended.source.extents[0].end);
  std::uint64_t allocation = 0;
  for (int i : {0, 1, 2, 4})
    allocation += pool.volumes[i].capacity;
  EXPECT_EQ(pool.def.allocation, allocation);

  // wipe: the partition reads back zeros
  model::VolDef second = pool.volumes[1];
  fillNode(second.target.path, 0, 4096);
  fillNode(second.target.path, second.capacity - 4096, 4096);
  auto wiped = b.wipeVol(pool, second, driver::WipeAlgorithm::Zero, 0, {});
  ASSERT_TRUE(wiped) << wiped.error().message;
  EXPECT_EQ(readNode(second.target.path, 0, 4096), std::string(4096, '\0'));
  EXPECT_EQ(readNode(second.target.path, second.capacity - 4096, 4096), std::string(4096, '\0'));
  model::VolDef ext = extended;
  EXPECT_FALSE(b.wipeVol(pool, ext, driver::WipeAlgorithm::Zero, 0, {}));

  // delete: the node goes away, refresh agrees
  model::VolDef third = pool.volumes[2];
  auto deleted = b.deleteVol(pool, third, 0);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_FALSE(fs_.exists(loop.partition(3)));
  ASSERT_TRUE(b.refreshPool(pool));
  ASSERT_EQ(pool.volumes.size(), 4u);
  for (const auto& vol : pool.volumes)
    EXPECT_NE(vol.name, name(loop, 3));

  // a build without OVERWRITE over the label is refused
  auto again = b.buildPool(pool, driver::build_pool::kNoOverwrite);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::StoragePoolBuilt);

  ASSERT_TRUE(b.deletePool(pool, 0));
  EXPECT_EQ(blkidPtType(loop.path()), "");
}

TEST_F(DiskRealTest, DiskRealGptPool) {
  VIRTUS_NEED_LOOP_DEVICE(loop, dir_.path(), kDiskSize, true);
  auto b = makeBackend();
  auto pool = poolOn(loop, "gpt");

  auto unlabelled = b.startPool(pool);
  ASSERT_FALSE(unlabelled);
  EXPECT_EQ(unlabelled.error().code, ErrorCode::StorageProbeFailed);

  auto built = b.buildPool(pool, 0);
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(blkidPtType(loop.path()), "gpt");
  std::string printed;
  runTool({"parted", "-s", "-m", loop.path(), "print"}, &printed);
  EXPECT_NE(printed.find(":gpt:"), std::string::npos) << printed;
  ASSERT_TRUE(b.startPool(pool));
  auto check = b.checkPool(pool);
  ASSERT_TRUE(check);
  EXPECT_TRUE(*check);
  ASSERT_TRUE(b.refreshPool(pool));
  EXPECT_TRUE(pool.volumes.empty());

  auto first = create(b, pool, loop, 1, 10u << 20);
  auto second = create(b, pool, loop, 2, 20u << 20);
  EXPECT_EQ(first.capacity, 10u << 20);
  EXPECT_EQ(second.capacity, 20u << 20);
  EXPECT_EQ(first.source.extents[0].start, 17408u);  // libvirt takes the first free byte

  // The wrong name: the partition is made, then removed again.
  model::VolDef wrong;
  wrong.name = "data";
  wrong.capacity = 1u << 20;
  auto named = b.buildVol(pool, wrong, 0);
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().code, ErrorCode::InvalidArg);
  EXPECT_FALSE(fs_.exists(loop.partition(3)));

  ASSERT_TRUE(b.refreshPool(pool));
  ASSERT_EQ(pool.volumes.size(), 2u);
  EXPECT_EQ(pool.volumes[1].capacity, 20u << 20);

  auto deleted = b.deleteVol(pool, first, 0);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_FALSE(fs_.exists(loop.partition(1)));
  ASSERT_TRUE(b.refreshPool(pool));
  ASSERT_EQ(pool.volumes.size(), 1u);
  EXPECT_EQ(pool.volumes[0].name, name(loop, 2));

  auto again = b.buildPool(pool, 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(again.error().message, "Device '" + loop.path() + "' already formatted using 'gpt'");

  ASSERT_TRUE(b.deletePool(pool, 0));
  EXPECT_EQ(blkidPtType(loop.path()), "");
}

}  // namespace
}  // namespace virtus::storage::disk
