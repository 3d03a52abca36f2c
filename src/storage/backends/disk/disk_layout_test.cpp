#include "storage/backends/disk/disk_layout.h"

#include <gtest/gtest.h>

#include "storage/backends/disk/disk_test_support.h"

namespace virtus::storage::disk {
namespace {

using testing::testdata;

// The BIOS geometry parted gives a 256 MiB loop device: 255 heads of 2 sectors.
constexpr std::uint64_t kLoopCylinder = 255 * 2 * 512;

DiskLayout layoutOfFile(const std::string& name) {
  auto table = parsePrint(testdata(name));
  EXPECT_TRUE(table) << (table ? "" : table.error().message);
  return table ? layoutOf(*table) : DiskLayout{};
}

DiskLayout emptyDos() {
  PartedTable t;
  t.device = "/dev/loop0";
  t.size = 268435456;
  t.label = "msdos";
  t.entries.push_back(PartedEntry{true, 1, 1024, 268435455, 268434432, "", "", ""});
  return layoutOf(t);
}

TEST(DiskLayout, DosExtendedAndLogicalAsLibvirtSeesThem) {
  auto layout = layoutOfFile("print-dos-extended.txt");
  EXPECT_EQ(layout.label, "dos");
  ASSERT_EQ(layout.partitions.size(), 6u);
  EXPECT_EQ(layout.partitions[0], (DiskPartition{1, PartKind::Primary, 32256, 52428800, 52396544}));
  EXPECT_EQ(layout.partitions[2].kind, PartKind::Primary);
  EXPECT_EQ(layout.partitions[3],
            (DiskPartition{4, PartKind::Extended, 73400320, 209715200, 136314880}));
  EXPECT_EQ(layout.partitions[4].kind, PartKind::Logical);
  EXPECT_EQ(layout.partitions[5],
            (DiskPartition{6, PartKind::Logical, 104858112, 115343360, 10485248}));
  ASSERT_EQ(layout.free.size(), 3u);
  EXPECT_EQ(layout.free[0], (DiskFreeExtent{1024, 32256, false}));
  EXPECT_EQ(layout.free[1], (DiskFreeExtent{115343360, 209715200, true}));
  EXPECT_EQ(layout.free[2], (DiskFreeExtent{209715200, 268435456, false}));
}

TEST(DiskLayout, EmptyExtendedPartitionIsKnownByTheFreeSpaceInside) {
  auto layout = layoutOfFile("print-dos-empty-extended.txt");
  ASSERT_EQ(layout.partitions.size(), 2u);
  EXPECT_EQ(layout.partitions[0].kind, PartKind::Primary);
  EXPECT_EQ(layout.partitions[1].kind, PartKind::Extended);
  ASSERT_EQ(layout.free.size(), 3u);
  EXPECT_FALSE(layout.free[0].logical);
  EXPECT_TRUE(layout.free[1].logical);
  EXPECT_FALSE(layout.free[2].logical);
}

TEST(DiskLayout, GptPartitionsAreAllPrimary) {
  auto layout = layoutOfFile("print-gpt.txt");
  EXPECT_EQ(layout.label, "gpt");
  ASSERT_EQ(layout.partitions.size(), 2u);
  for (const auto& p : layout.partitions)
    EXPECT_EQ(p.kind, PartKind::Primary);
  EXPECT_EQ(layout.free.back(), (DiskFreeExtent{32505856, 268418560, false}));
}

TEST(DiskLayout, FreeExtentAtZeroStartsAtTheSecondSector) {
  PartedTable t;
  t.label = "msdos";
  t.entries.push_back(PartedEntry{true, 1, 0, 1048575, 1048576, "", "", ""});
  auto layout = layoutOf(t);
  ASSERT_EQ(layout.free.size(), 1u);
  EXPECT_EQ(layout.free[0].start, 512u);
}

TEST(DiskLayout, PoolFiguresAsLibvirtAddsThemUp) {
  auto layout = layoutOfFile("print-dos-extended.txt");
  auto fig = poolFigures(layout);
  EXPECT_EQ(fig.capacity, 268435456u);
  // primaries and logicals; the extended partition itself is not counted
  EXPECT_EQ(fig.allocation, 52396544u + 10485760u + 10485760u + 31456768u + 10485248u);
  // every free extent, the one inside the extended partition included
  EXPECT_EQ(fig.available, 31232u + 94371840u + 58720256u);
  ASSERT_EQ(fig.freeExtents.size(), 3u);
  EXPECT_EQ(fig.freeExtents[1], (model::PoolFreeExtent{115343360, 209715200}));
  EXPECT_EQ(volumeAllocation(layout, layout.partitions[3]), 31456768u + 10485248u);
  EXPECT_EQ(volumeAllocation(layout, layout.partitions[0]), 52396544u);

  // gpt: the backup table at the end is not free space, so capacity stops before it
  auto gpt = poolFigures(layoutOfFile("print-gpt.txt"));
  EXPECT_EQ(gpt.capacity, 268418560u);
  EXPECT_EQ(gpt.allocation, 10485760u + 20971520u);
}

TEST(DiskLayout, NamesAndLabels) {
  EXPECT_EQ(partitionName("sda", 3), "sda3");
  EXPECT_EQ(partitionName("loop0", 1), "loop0p1");
  EXPECT_EQ(partitionName("nvme0n1", 12), "nvme0n1p12");
  EXPECT_EQ(libvirtLabel("msdos"), "dos");
  EXPECT_EQ(libvirtLabel("gpt"), "gpt");
  EXPECT_EQ(partedLabel("dos"), "msdos");
  EXPECT_EQ(partedLabel("sun"), "sun");
  EXPECT_EQ(effectiveFormat(""), "dos");
  EXPECT_EQ(effectiveFormat("unknown"), "dos");
  EXPECT_EQ(effectiveFormat("gpt"), "gpt");
}

TEST(DiskLayout, MkpartTypeOnDos) {
  auto empty = emptyDos();
  EXPECT_EQ(*mkpartType(empty, "dos", "linux"), "primary ext2");
  EXPECT_EQ(*mkpartType(empty, "dos", ""), "primary ext2");
  EXPECT_EQ(*mkpartType(empty, "dos", "fat32"), "primary fat32");
  EXPECT_EQ(*mkpartType(empty, "dos", "linux-swap"), "primary linux-swap");
  EXPECT_EQ(*mkpartType(empty, "dos", "linux-lvm"), "primary ext2");
  EXPECT_EQ(*mkpartType(empty, "dos", "extended"), "extended");
  auto bad = mkpartType(empty, "dos", "qcow2");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InternalError);
  EXPECT_EQ(bad.error().message, "Invalid partition type");

  auto full = layoutOfFile("print-dos-extended.txt");
  EXPECT_EQ(kindToCreate(full, "dos"), PartKind::Logical);
  EXPECT_EQ(*mkpartType(full, "dos", "linux"), "logical ext2");
  auto second = mkpartType(full, "dos", "extended");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message, "extended partition already exists");
}

TEST(DiskLayout, FifthPartitionWithoutExtendedIsRefused) {
  PartedTable t;
  t.label = "msdos";
  for (int i = 1; i <= 4; ++i) {
    std::uint64_t start = static_cast<std::uint64_t>(i) << 20;
    t.entries.push_back(PartedEntry{false, i, start, start + 1048575, 1048576, "", "", ""});
  }
  auto layout = layoutOf(t);
  auto r = mkpartType(layout, "dos", "linux");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "no extended partition found and no primary partition available");
}

TEST(DiskLayout, MkpartTypeElsewhereIsPrimary) {
  auto gpt = layoutOfFile("print-gpt.txt");
  EXPECT_EQ(*mkpartType(gpt, "gpt", "linux-swap"), "primary");
  EXPECT_EQ(*mkpartType(gpt, "gpt", "extended"), "primary");
}

TEST(DiskLayout, DosPrimaryIsCylinderAligned) {
  // 50 MiB: 200 cylinders and 204800 bytes, so 56320 extra bytes round it up to 201.
  auto place = placePartition(emptyDos(), "dos", kLoopCylinder, 52428800);
  ASSERT_TRUE(place) << place.error().message;
  EXPECT_EQ(*place, (Placement{1024, 52485119}));
  EXPECT_EQ((place->end + 1) % kLoopCylinder, 0u);
}

TEST(DiskLayout, DosLogicalGoesIntoTheExtendedFreeSpaceOneSectorIn) {
  auto place =
      placePartition(layoutOfFile("print-dos-extended.txt"), "dos", kLoopCylinder, 10485760);
  ASSERT_TRUE(place) << place.error().message;
  EXPECT_EQ(*place, (Placement{115343872, 125859839}));
  EXPECT_EQ((place->end + 1) % kLoopCylinder, 0u);
}

TEST(DiskLayout, DosPrimarySkipsExtentsTooSmallAndLogicalFreeSpace) {
  auto place =
      placePartition(layoutOfFile("print-dos-empty-extended.txt"), "dos", kLoopCylinder, 1048576);
  ASSERT_TRUE(place) << place.error().message;
  EXPECT_EQ(*place, (Placement{105906176, 107059199}));
}

TEST(DiskLayout, GptTakesTheSmallestExtentThatFits) {
  auto gpt = layoutOfFile("print-gpt.txt");
  EXPECT_EQ(*placePartition(gpt, "gpt", 0, 524288), (Placement{17408, 541695}));
  EXPECT_EQ(*placePartition(gpt, "gpt", 0, 10485760), (Placement{32505856, 42991615}));
  auto empty = layoutOfFile("print-gpt-empty.txt");
  EXPECT_EQ(*placePartition(empty, "gpt", 0, 10485760), (Placement{17408, 10503167}));
}

TEST(DiskLayout, NoLargeEnoughFreeExtent) {
  auto r = placePartition(layoutOfFile("print-gpt.txt"), "gpt", 0, 300u << 20);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "no large enough free extent");
  EXPECT_FALSE(placePartition(emptyDos(), "dos", 0, 1048576));  // no geometry
}

}  // namespace
}  // namespace virtus::storage::disk
