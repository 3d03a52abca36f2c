// The device helpers of wipe.h on files in a temporary directory.
#include "storage/backends/dir/wipe.h"

#include <gtest/gtest.h>

#include "os/linux_file_system.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

namespace virtus::storage::dir {
namespace {

TEST(ZeroDeviceEnds, ZeroesTheFirstAndLastAreaAndKeepsTheMiddle) {
  fixtures::TempDir dir("virtus-wipe");
  ASSERT_TRUE(dir.ok());
  dir.write("disk", std::string(3 * kPartitionTableArea, 'x'));
  os::LinuxFileSystem fs;
  auto r = zeroDeviceEnds(fs, dir.file("disk"));
  ASSERT_TRUE(r) << r.error().message;
  const std::string data = fixtures::readFile(dir.file("disk"));
  ASSERT_EQ(data.size(), 3 * kPartitionTableArea);
  EXPECT_EQ(data.substr(0, kPartitionTableArea), std::string(kPartitionTableArea, '\0'));
  EXPECT_EQ(data.substr(kPartitionTableArea, kPartitionTableArea),
            std::string(kPartitionTableArea, 'x'));
  EXPECT_EQ(data.substr(2 * kPartitionTableArea), std::string(kPartitionTableArea, '\0'));
}

TEST(ZeroDeviceEnds, ADeviceSmallerThanTheAreaIsRefusedUntouched) {
  fixtures::TempDir dir("virtus-wipe");
  ASSERT_TRUE(dir.ok());
  dir.write("tiny", std::string(4096, 'x'));
  os::LinuxFileSystem fs;
  auto r = zeroDeviceEnds(fs, dir.file("tiny"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_NE(r.error().message.find("the device holds only 4096 bytes"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(fixtures::readFile(dir.file("tiny")), std::string(4096, 'x'));
}

TEST(OpenForWipe, AMissingVolumeIsLibvirtsMessage) {
  fixtures::TempDir dir("virtus-wipe");
  ASSERT_TRUE(dir.ok());
  os::LinuxFileSystem fs;
  auto r = openForWipe(fs, dir.file("gone"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_EQ(r.error().message.rfind(
                "Failed to open storage volume with path '" + dir.file("gone") + "'", 0),
            0u)
      << r.error().message;
}

}  // namespace
}  // namespace virtus::storage::dir
