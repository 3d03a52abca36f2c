// The disk backend's volume operations on scripted parted runs and a /dev tree.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/backends/disk/disk_backend_test_support.h"

namespace virtus::storage::disk {
namespace {

using namespace testing;

// After `parted mkpart ... 1024B 52485119B` on the empty dos disk.
const char* kDosOnePartition =
    "BYT;\n/dev/loop2:268435456B:loopback:512:512:msdos:Loopback device:;\n"
    "1:1024B:52485119B:52484096B:::;\n"
    "1:52485120B:268435455B:215950336B:free;\n";

// ---- volumes -------------------------------------------------------------------------------

TEST_F(DiskBackendTest, CreatePrimaryOnDos) {
  node("loop2p1");
  expectPrint("print-dos-empty.txt");
  expectGeometry();
  runner_.expect("parted", kDisk, "mkpart", "--script", "primary ext2", "1024B", "52485119B")
      .replies(0, "", "sh: 1: udevadm: not found\n");
  expectPrintText(kDosOnePartition);
  auto b = backend();
  auto vol = newVol("loop2p1", 50u << 20, "linux");
  ASSERT_TRUE(b.createVol(pool_, vol));
  auto r = b.buildVol(pool_, vol, 0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(vol.target.path, "/dev/loop2p1");
  EXPECT_EQ(vol.key, "/dev/loop2p1");
  EXPECT_EQ(vol.type, model::VolType::Block);
  EXPECT_EQ(vol.target.format, "linux");
  EXPECT_EQ(vol.capacity, 52484096u);
  EXPECT_EQ(vol.allocation, 52484096u);
  ASSERT_EQ(vol.source.extents.size(), 1u);
  EXPECT_EQ(vol.source.extents[0], (model::VolSourceExtent{kDisk, 1024, 52485120}));
  EXPECT_EQ(timeoutsOf(runner_), "4321 4321 4321 4321 ");
}

TEST_F(DiskBackendTest, CreateLogicalInsideTheExtendedPartition) {
  for (int i = 1; i <= 7; ++i)
    node("loop2p" + std::to_string(i));
  expectPrint("print-dos-extended.txt");
  expectGeometry();
  runner_
      .expect("parted", kDisk, "mkpart", "--script", "logical linux-swap", "115343872B",
              "125859839B")
      .replies(0);
  std::string after = testdata("print-dos-extended.txt");
  after.insert(after.find("1:115343360B"), "7:115343872B:125859839B:10515968B:::swap;\n");
  expectPrintText(after);
  auto b = backend();
  auto vol = newVol("loop2p7", 10u << 20, "linux-swap");
  auto r = b.buildVol(pool_, vol, 0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(vol.target.path, "/dev/loop2p7");
  EXPECT_EQ(vol.capacity, 10515968u);
}

TEST_F(DiskBackendTest, CreateOnGptNeedsNoGeometry) {
  pool_.def.source.format = "gpt";
  node("loop2p3");
  expectPrint("print-gpt.txt");
  runner_.expect("parted", kDisk, "mkpart", "--script", "primary", "32505856B", "42991615B")
      .replies(0);
  std::string after = testdata("print-gpt.txt");
  after.insert(
      after.find("1:32505856B"),
      "3:32505856B:42991615B:10485760B::primary:;\n1:42991616B:268418559B:225427456B:free;\n");
  after.erase(after.rfind("1:32505856B"));
  expectPrintText(after);
  auto b = backend();
  auto vol = newVol("loop2p3", 10u << 20);
  ASSERT_TRUE(b.createVol(pool_, vol));
  auto r = b.buildVol(pool_, vol, 0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(vol.target.format, "none");
  EXPECT_EQ(vol.capacity, 10485760u);
}

TEST_F(DiskBackendTest, CreateWithTheWrongNameRemovesThePartition) {
  node("loop2p1");
  expectPrint("print-dos-empty.txt");
  expectGeometry();
  runner_.expect("parted", kDisk, "mkpart", "--script", "primary ext2", "1024B", "52485119B")
      .replies(0);
  expectPrintText(kDosOnePartition);
  runner_.expect("parted", kDisk, "rm", "--script", "1").replies(0);
  auto b = backend();
  auto vol = newVol("data", 50u << 20);
  auto r = b.buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(r.error().message, "invalid partition name 'data', expected 'loop2p1'");
}

TEST_F(DiskBackendTest, CreateWhoseNodeNeverAppearsRemovesThePartition) {
  expectPrint("print-dos-empty.txt");
  expectGeometry();
  runner_.expect("parted", kDisk, "mkpart", "--script", "primary ext2", "1024B", "52485119B")
      .replies(0);
  expectPrintText(kDosOnePartition);
  runner_.expect("parted", kDisk, "rm", "--script", "1").replies(0);
  auto b = backend();
  auto vol = newVol("loop2p1", 50u << 20);
  auto r = b.buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
}

TEST_F(DiskBackendTest, CreateFailuresOfParted) {
  auto b = backend();
  expectPrint("print-dos-empty.txt");
  expectGeometry();
  runner_.expect("parted", kDisk, "mkpart", "--script", "primary ext2", "1024B", "52485119B")
      .replies(1, "", "Error: Can't have overlapping partitions.");
  auto vol = newVol("loop2p1", 50u << 20);
  auto failed = b.buildVol(pool_, vol, 0);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::InternalError);
  EXPECT_NE(failed.error().message.find("overlapping"), std::string::npos);

  expectPrint("print-dos-empty.txt");
  expectGeometry();
  runner_.expect("parted", kDisk, "mkpart", "--script", "primary ext2", "1024B", "52485119B")
      .fails(timedOut());
  auto late = b.buildVol(pool_, vol, 0);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::OperationTimeout);

  expectPrint("print-dos-empty.txt");
  runner_.expect("parted", "-s", "-m", kDisk, "unit", "chs", "print")
      .replies(0, "CHS;\n/dev/loop2:1,2,3:x:512:512:msdos:x:;\nnonsense\n");
  auto garbage = b.buildVol(pool_, vol, 0);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::InternalError);
}

TEST_F(DiskBackendTest, CreateRefusals) {
  auto b = backend();
  auto zero = newVol("loop2p1", 0);
  auto r = b.buildVol(pool_, zero, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(r.error().message, "volume capacity required for this storage pool");

  auto big = newVol("loop2p1", 1u << 30);
  expectPrint("print-dos-empty.txt");
  expectGeometry();
  auto tooBig = b.buildVol(pool_, big, 0);
  ASSERT_FALSE(tooBig);
  EXPECT_EQ(tooBig.error().message, "no large enough free extent");

  auto enc = newVol("loop2p1", 1u << 20);
  enc.target.encryption = model::StorageEncryption{};
  enc.target.encryption->format = "qcow";
  auto encrypted = b.createVol(pool_, enc);
  ASSERT_FALSE(encrypted);
  EXPECT_EQ(encrypted.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(encrypted.error().message, "storage pool only supports LUKS encrypted volumes");
}

TEST_F(DiskBackendTest, DeleteRemovesThePartitionByNumber) {
  runner_.expect("parted", kDisk, "rm", "--script", "2").replies(0);
  auto b = backend();
  model::VolDef vol;
  vol.name = "loop2p2";
  vol.target.path = "/dev/loop2p2";
  ASSERT_TRUE(b.deleteVol(pool_, vol, 0));
  EXPECT_EQ(timeoutsOf(runner_), "4321 ");

  pool_.def.source.devices[0].path = "/dev/sda";
  vol.target.path = "/dev/sda13";
  runner_.expect("parted", "/dev/sda", "rm", "--script", "13").replies(0);
  ASSERT_TRUE(b.deleteVol(pool_, vol, 0));
}

TEST_F(DiskBackendTest, DeleteFollowsAStablePathToItsNode) {
  node("loop2p1");
  node("loop2p2");
  std::filesystem::create_directories(tmp_.file("dev/disk/by-path"));
  std::filesystem::create_symlink("../../loop2p2", tmp_.file("dev/disk/by-path/pci-0-part2"));
  runner_.expect("parted", kDisk, "rm", "--script", "2").replies(0);
  auto b = backend();
  model::VolDef vol;
  vol.name = "loop2p2";
  vol.target.path = "/dev/disk/by-path/pci-0-part2";
  auto r = b.deleteVol(pool_, vol, 0);
  ASSERT_TRUE(r) << r.error().message;
}

TEST_F(DiskBackendTest, DeleteFailures) {
  auto b = backend();
  model::VolDef vol;
  vol.target.path = "/dev/sdb1";
  auto foreign = b.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::InternalError);
  EXPECT_EQ(foreign.error().message,
            "Volume path 'sdb1' did not start with parent pool source device name.");

  vol.target.path = "/dev/loop2";
  auto noNumber = b.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(noNumber);
  EXPECT_EQ(noNumber.error().message, "cannot parse partition number from target 'loop2'");

  vol.target.path = "";
  auto empty = b.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(empty.error().message, "volume target path empty for source path '/dev/loop2'");

  vol.target.path = "/dev/loop2p1";
  runner_.expect("parted", kDisk, "rm", "--script", "1")
      .replies(1, "", "Error: Partition /dev/loop2p1 is being used.");
  auto busy = b.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::InternalError);

  runner_.expect("parted", kDisk, "rm", "--script", "1").fails(timedOut());
  auto late = b.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::OperationTimeout);
}

TEST_F(DiskBackendTest, WipeZeroesThePartition) {
  node("loop2p5", std::string(300000, 'x'));
  expectPrint("print-dos-extended.txt");
  auto b = backend();
  model::VolDef vol;
  vol.name = "loop2p5";
  vol.target.path = "/dev/loop2p5";
  std::uint64_t last = 0;
  auto r = b.wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 0,
                     [&](std::uint64_t done, std::uint64_t) { last = done; });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(read("loop2p5"), std::string(300000, '\0'));
  EXPECT_EQ(last, 300000u);
}

TEST_F(DiskBackendTest, WipeRefusesTheExtendedPartition) {
  node("loop2p4", "keep");
  expectPrint("print-dos-extended.txt");
  auto b = backend();
  model::VolDef vol;
  vol.name = "loop2p4";
  vol.target.path = "/dev/loop2p4";
  auto r = b.wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 0, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(r.error().message, "cannot wipe extended partition '/dev/loop2p4'");
  EXPECT_EQ(read("loop2p4"), "keep");

  runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free").fails(timedOut());
  vol.target.path = "/dev/loop2p1";
  auto late = b.wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 0, {});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::OperationTimeout);
}

}  // namespace
}  // namespace virtus::storage::disk
