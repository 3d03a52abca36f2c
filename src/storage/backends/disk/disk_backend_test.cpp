// The disk backend's pool operations on scripted parted runs and a /dev tree.
#include "storage/backends/disk/disk_backend.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/backends/disk/disk_backend_test_support.h"

namespace virtus::storage::disk {
namespace {

using namespace testing;

// ---- refresh ----------------------------------------------------------------------------

TEST_F(DiskBackendTest, RefreshListsPartitionsAsLibvirt) {
  for (int i = 1; i <= 6; ++i)
    node("loop2p" + std::to_string(i));
  expectPrint("print-dos-extended.txt");
  auto b = backend();
  auto r = b.refreshPool(pool_);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(pool_.volumes.size(), 6u);
  const auto& first = pool_.volumes[0];
  EXPECT_EQ(first.name, "loop2p1");
  EXPECT_EQ(first.type, model::VolType::Block);
  EXPECT_EQ(first.target.path, "/dev/loop2p1");
  EXPECT_EQ(first.key, "/dev/loop2p1");
  EXPECT_EQ(first.target.format, "none");
  EXPECT_EQ(first.capacity, 52396544u);
  EXPECT_EQ(first.allocation, 52396544u);
  EXPECT_EQ(first.target.perms.mode, 0660u);
  ASSERT_EQ(first.source.extents.size(), 1u);
  EXPECT_EQ(first.source.extents[0], (model::VolSourceExtent{kDisk, 32256, 52428800}));
  const auto& extended = pool_.volumes[3];
  EXPECT_EQ(extended.name, "loop2p4");
  EXPECT_EQ(extended.capacity, 136314880u);
  EXPECT_EQ(extended.allocation, 31456768u + 10485248u);
  EXPECT_EQ(pool_.volumes[5].name, "loop2p6");
  EXPECT_EQ(pool_.def.capacity, 268435456u);
  EXPECT_EQ(pool_.def.allocation, 115310080u);
  EXPECT_EQ(pool_.def.available, 153123328u);
  ASSERT_EQ(pool_.def.source.devices[0].freeExtents.size(), 3u);
  EXPECT_EQ(pool_.def.source.devices[0].freeExtents[2],
            (model::PoolFreeExtent{209715200, 268435456}));
  EXPECT_EQ(timeoutsOf(runner_), "4321 ");
}

TEST_F(DiskBackendTest, RefreshNeedsEveryNodeButTheExtendedOne) {
  for (int i : {1, 2, 3, 5, 6})
    node("loop2p" + std::to_string(i));
  expectPrint("print-dos-extended.txt");
  auto b = backend();
  ASSERT_TRUE(b.refreshPool(pool_));
  EXPECT_FALSE(pool_.volumes[3].target.perms.mode);

  std::filesystem::remove(tmp_.file("dev/loop2p5"));
  expectPrint("print-dos-extended.txt");
  auto r = b.refreshPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_NE(r.error().message.find("loop2p5"), std::string::npos);
}

TEST_F(DiskBackendTest, RefreshUsesStableNamesOfTheTargetDirectory) {
  node("loop2p1");
  node("loop2p2");
  std::filesystem::create_directories(tmp_.file("dev/disk/by-path"));
  std::filesystem::create_symlink("../../loop2p2", tmp_.file("dev/disk/by-path/pci-0-part2"));
  pool_.def.target.path = "/dev/disk/by-path";
  expectPrint("print-gpt.txt");
  auto b = backend();
  ASSERT_TRUE(b.refreshPool(pool_));
  EXPECT_EQ(pool_.volumes[0].target.path, "/dev/loop2p1");  // no stable name: the node
  EXPECT_EQ(pool_.volumes[1].target.path, "/dev/disk/by-path/pci-0-part2");
  EXPECT_EQ(pool_.volumes[1].key, "/dev/disk/by-path/pci-0-part2");
  EXPECT_EQ(pool_.volumes[1].name, "loop2p2");
}

TEST_F(DiskBackendTest, RefreshOfAMissingDisk) {
  std::filesystem::remove(tmp_.file("dev/loop2"));
  auto b = backend();
  auto r = b.refreshPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(r.error().message, "device path '/dev/loop2' doesn't exist");
}

TEST_F(DiskBackendTest, RefreshFailuresOfParted) {
  auto b = backend();
  runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free")
      .replies(1, testdata("print-unlabelled.txt"), testdata("print-unlabelled.err"));
  auto unlabelled = b.refreshPool(pool_);
  ASSERT_FALSE(unlabelled);
  EXPECT_EQ(unlabelled.error().code, ErrorCode::InternalError);
  EXPECT_NE(unlabelled.error().message.find("unexpected exit status 1"), std::string::npos);
  EXPECT_NE(unlabelled.error().message.find("unrecognised disk label"), std::string::npos);

  expectPrintText("BYT;\n/dev/loop2:268435456B:loopback:512:512:msdos:x:;\nhello\n");
  auto garbage = b.refreshPool(pool_);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::InternalError);
  EXPECT_EQ(garbage.error().message, "parted printed an unexpected line 'hello'");

  runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free").fails(timedOut());
  auto late = b.refreshPool(pool_);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::OperationTimeout);
}

// ---- build, start, check, delete ------------------------------------------------------------

TEST_F(DiskBackendTest, BuildZeroesTheLabelAreasAndWritesTheLabel) {
  runner_.expect("parted", kDisk, "mklabel", "--script", "msdos").replies(0);
  auto b = backend();
  auto r = b.buildPool(pool_, 0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(probed_, std::vector<std::string>{tmp_.file("dev/loop2")});
  std::string disk = read("loop2");
  ASSERT_EQ(disk.size(), kDiskFileSize);
  EXPECT_EQ(disk.substr(0, 1 << 20), std::string(1 << 20, '\0'));
  EXPECT_EQ(disk.substr(kDiskFileSize - (1 << 20)), std::string(1 << 20, '\0'));
  EXPECT_EQ(disk[1 << 20], '\xff');  // the middle is left alone
  EXPECT_EQ(timeoutsOf(runner_), "4321 ");
}

TEST_F(DiskBackendTest, BuildGptAndDefaultDos) {
  pool_.def.source.format = "gpt";
  runner_.expect("parted", kDisk, "mklabel", "--script", "gpt").replies(0);
  auto b = backend();
  ASSERT_TRUE(b.buildPool(pool_, driver::build_pool::kNoOverwrite));

  pool_.def.source.format = "";
  runner_.expect("parted", kDisk, "mklabel", "--script", "msdos").replies(0);
  ASSERT_TRUE(b.buildPool(pool_, 0));
  EXPECT_EQ(pool_.def.source.format, "dos");
}

TEST_F(DiskBackendTest, BuildWithoutOverwriteRefusesALabelledDisk) {
  auto b = backend(DeviceContent{"", "dos"});
  auto same = b.buildPool(pool_, 0);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(same.error().message, "Device '/dev/loop2' already formatted using 'dos'");
  pool_.def.source.format = "gpt";
  auto other = b.buildPool(pool_, driver::build_pool::kNoOverwrite);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::StoragePoolBuilt);
  // nothing written
  EXPECT_EQ(read("loop2"), std::string(kDiskFileSize, '\xff'));
}

TEST_F(DiskBackendTest, BuildWithOverwriteDoesNotProbe) {
  runner_.expect("parted", kDisk, "mklabel", "--script", "msdos").replies(0);
  auto b = backend(DeviceContent{"ext4", ""});
  ASSERT_TRUE(b.buildPool(pool_, driver::build_pool::kOverwrite));
  EXPECT_TRUE(probed_.empty());
}

TEST_F(DiskBackendTest, BuildFlags) {
  auto b = backend();
  auto both = b.buildPool(pool_, driver::build_pool::kOverwrite | driver::build_pool::kNoOverwrite);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, ErrorCode::InvalidArg);
  EXPECT_NE(both.error().message.find("mutually exclusive"), std::string::npos);
  auto repair = b.buildPool(pool_, driver::build_pool::kRepair);
  ASSERT_FALSE(repair);
  EXPECT_EQ(repair.error().code, ErrorCode::InvalidArg);
}

TEST_F(DiskBackendTest, BuildFailuresOfMklabel) {
  auto b = backend();
  runner_.expect("parted", kDisk, "mklabel", "--script", "msdos")
      .replies(1, "", "Error: Partition(s) on /dev/loop2 are being used.");
  auto failed = b.buildPool(pool_, 0);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::InternalError);
  EXPECT_NE(failed.error().message.find("are being used"), std::string::npos);

  runner_.expect("parted", kDisk, "mklabel", "--script", "msdos").fails(timedOut());
  auto late = b.buildPool(pool_, 0);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::OperationTimeout);
}

TEST_F(DiskBackendTest, StartChecksTheLabel) {
  ASSERT_TRUE(backend(DeviceContent{"", "dos"}).startPool(pool_));
  auto other = backend(DeviceContent{"", "gpt"}).startPool(pool_);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(other.error().message,
            "Format of device '/dev/loop2' does not match the expected format 'dos'");
  auto none = backend().startPool(pool_);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::StorageProbeFailed);
  EXPECT_EQ(none.error().message, "Device '/dev/loop2' is unrecognized, requires build");

  pool_.def.source.format = "";  // no format: dos
  ASSERT_TRUE(backend(DeviceContent{"", "dos"}).startPool(pool_));
  EXPECT_EQ(pool_.def.source.format, "dos");
}

TEST_F(DiskBackendTest, StartOfAMissingDisk) {
  std::filesystem::remove(tmp_.file("dev/loop2"));
  auto r = backend(DeviceContent{"", "dos"}).startPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(r.error().message, "device path '/dev/loop2' doesn't exist");
  auto check = backend(DeviceContent{"", "dos"}).checkPool(pool_);
  ASSERT_TRUE(check);
  EXPECT_FALSE(*check);
}

TEST_F(DiskBackendTest, CheckPoolOfALabelledDisk) {
  auto check = backend(DeviceContent{"", "dos"}).checkPool(pool_);
  ASSERT_TRUE(check);
  EXPECT_TRUE(*check);
  EXPECT_FALSE(backend(DeviceContent{"", "gpt"}).checkPool(pool_));
}

TEST_F(DiskBackendTest, Pc98AndDvhAreCheckedByParted) {
  pool_.def.source.format = "pc98";
  runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free")
      .replies(0, "BYT;\n/dev/loop2:268435456B:loopback:512:512:pc98:x:;\n");
  ASSERT_TRUE(backend(DeviceContent{"", "dos"}).startPool(pool_));
  EXPECT_TRUE(probed_.empty());

  runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free")
      .replies(1, testdata("print-unlabelled.txt"), testdata("print-unlabelled.err"));
  auto none = backend().startPool(pool_);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(none.error().message, "Unrecognized disk label found, requires build");

  pool_.def.source.format = "dvh";
  runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free")
      .replies(0, testdata("print-gpt.txt"));
  auto built = backend().buildPool(pool_, 0);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(built.error().message,
            "Known, but different label format present, requires build --overwrite");
}

TEST_F(DiskBackendTest, DeletePoolZeroesTheLabelAreas) {
  auto b = backend();
  ASSERT_TRUE(b.deletePool(pool_, 0));
  std::string disk = read("loop2");
  EXPECT_EQ(disk.substr(0, 1 << 20), std::string(1 << 20, '\0'));
  EXPECT_EQ(disk.substr(kDiskFileSize - (1 << 20)), std::string(1 << 20, '\0'));
  EXPECT_TRUE(runner_.commands().empty());
  EXPECT_FALSE(b.deletePool(pool_, 1));
}

TEST_F(DiskBackendTest, FeaturesAreWhatIsImplemented) {
  auto f = backend().features();
  EXPECT_TRUE(f.buildPool && f.startPool && f.deletePool && f.createVol && f.buildVol &&
              f.deleteVol && f.wipeVol && f.uploadVol && f.downloadVol);
  EXPECT_FALSE(f.stopPool || f.findPoolSources || f.buildVolFrom || f.refreshVol || f.resizeVol ||
               f.lookupVol);
  EXPECT_EQ(backend().type(), model::PoolType::Disk);
}

}  // namespace
}  // namespace virtus::storage::disk
