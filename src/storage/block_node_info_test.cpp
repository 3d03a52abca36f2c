#include "storage/block_node_info.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "os/linux_file_system.h"
#include "support/loop_device.h"
#include "support/temp_dir.h"

namespace virtus::storage {
namespace {

TEST(BlockNodeInfoRealTest, ADeviceReportsItsOwnSizeModeAndTimes) {
  fixtures::TempDir dir("virtus-node");
  VIRTUS_NEED_LOOP_DEVICE(loop, dir.path(), 16 << 20, false);
  ASSERT_EQ(::chmod(loop.path().c_str(), 0640), 0);
  os::LinuxFileSystem fs;
  model::VolDef vol;
  vol.capacity = 123;  // left alone
  auto r = fillBlockNodeInfo(fs, loop.path(), vol);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(vol.physical, std::optional<std::uint64_t>(16u << 20));
  EXPECT_EQ(vol.capacity, 123u);
  EXPECT_EQ(vol.target.perms.mode, std::optional<std::uint32_t>(0640));
  EXPECT_EQ(vol.target.perms.uid, std::optional<std::int64_t>(0));
  ASSERT_TRUE(vol.target.timestamps.has_value());
  ASSERT_TRUE(vol.target.timestamps->mtime.has_value());
  EXPECT_GT(vol.target.timestamps->mtime->sec, 0);
  ::chmod(loop.path().c_str(), 0600);
}

TEST(BlockNodeInfoTest, AMissingNodeIsAnErrorNamingIt) {
  fixtures::TempDir dir("virtus-node");
  os::LinuxFileSystem fs;
  model::VolDef vol;
  auto r = fillBlockNodeInfo(fs, dir.path() + "/sdz", vol);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sdz"), std::string::npos) << r.error().message;
  EXPECT_FALSE(vol.physical.has_value());
}

}  // namespace
}  // namespace virtus::storage
