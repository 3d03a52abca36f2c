#include "storage/device_probe.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "support/loop_device.h"
#include "support/temp_dir.h"

namespace virtus::storage {
namespace {

using testing::runTool;

// libblkid reads image files as well as devices: the real probe runs on sparse files that the
// real mkfs and parted wrote.
class DeviceProbeRealTest : public ::testing::Test {
 protected:
  std::string image(const std::string& name, off_t size = 64 << 20) {
    std::string path = dir_.path() + "/" + name;
    std::ofstream(path).close();
    EXPECT_EQ(::truncate(path.c_str(), size), 0);
    return path;
  }

  fixtures::TempDir dir_{"virtus-probe"};
  std::unique_ptr<DeviceProbe> probe_ = makeBlkidProbe();
};

TEST_F(DeviceProbeRealTest, EmptyImageHoldsNothing) {
  auto content = probe_->probe(image("empty.img"));
  ASSERT_TRUE(content) << content.error().message;
  EXPECT_TRUE(content->empty());
}

TEST_F(DeviceProbeRealTest, FindsAnExt4Filesystem) {
  std::string path = image("ext4.img");
  ASSERT_EQ(runTool({"mkfs.ext4", "-q", "-F", path}), 0);
  auto content = probe_->probe(path);
  ASSERT_TRUE(content) << content.error().message;
  EXPECT_EQ(content->filesystem, "ext4");
  EXPECT_EQ(content->partitionTable, "");
}

TEST_F(DeviceProbeRealTest, FindsGptAndDosPartitionTables) {
  std::string gpt = image("gpt.img");
  std::string dos = image("dos.img");
  ASSERT_EQ(runTool({"parted", "-s", gpt, "mklabel", "gpt"}), 0);
  ASSERT_EQ(runTool({"parted", "-s", dos, "mklabel", "msdos"}), 0);
  auto gptContent = probe_->probe(gpt);
  auto dosContent = probe_->probe(dos);
  ASSERT_TRUE(gptContent && dosContent);
  EXPECT_EQ(gptContent->partitionTable, "gpt");
  EXPECT_EQ(gptContent->filesystem, "");
  EXPECT_EQ(dosContent->partitionTable, "dos");
}

TEST_F(DeviceProbeRealTest, MissingDeviceIsAProbeFailureNamingIt) {
  auto content = probe_->probe(dir_.path() + "/no-such-device");
  ASSERT_FALSE(content);
  EXPECT_EQ(content.error().code, ErrorCode::StorageProbeFailed);
  EXPECT_NE(content.error().message.find("no-such-device"), std::string::npos);
}

TEST(CheckDeviceEmpty, NothingOnTheDeviceMayBeBuilt) {
  EXPECT_TRUE(checkDeviceEmpty({}, "/dev/sdb", "ext4"));
}

TEST(CheckDeviceEmpty, TheSameFormatIsAlreadyBuilt) {
  auto r = checkDeviceEmpty({"ext4", ""}, "/dev/sdb", "ext4");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(r.error().message, "Device '/dev/sdb' already formatted using 'ext4'");
}

TEST(CheckDeviceEmpty, AnotherFormatNeedsOverwrite) {
  auto r = checkDeviceEmpty({"", "gpt"}, "/dev/sdb", "dos");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(r.error().message,
            "Format of device '/dev/sdb' does not match the expected format 'dos', forced "
            "overwrite is necessary");
}

TEST(CheckDeviceEmpty, AFilesystemCountsBeforeAPartitionTable) {
  auto r = checkDeviceEmpty({"xfs", "gpt"}, "/dev/sdb", "gpt");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not match"), std::string::npos);
}

TEST(CheckDeviceFormat, TheExpectedLabelStarts) {
  EXPECT_TRUE(checkDeviceFormat({"", "gpt"}, "/dev/sdb", "gpt"));
}

TEST(CheckDeviceFormat, NothingRequiresBuild) {
  auto r = checkDeviceFormat({}, "/dev/sdb", "gpt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::StorageProbeFailed);
  EXPECT_EQ(r.error().message, "Device '/dev/sdb' is unrecognized, requires build");
}

TEST(CheckDeviceFormat, AnotherLabelIsInvalid) {
  auto r = checkDeviceFormat({"", "dos"}, "/dev/sdb", "gpt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(r.error().message,
            "Format of device '/dev/sdb' does not match the expected format 'gpt'");
}

}  // namespace
}  // namespace virtus::storage
