// The LVM output parsers on output captured on this machine (LVM 2.03.16 on loop devices)
// and on recorded output of hosts with device-mapper ("Recorded" in the names).
#include "storage/backends/logical/lvm_output.h"

#include <gtest/gtest.h>

#include "storage/backends/logical/logical_test_support.h"
#include "storage/backends/logical/lv_volume.h"

namespace virtus::storage::logical {
namespace {

using testing::testdata;

void expectParseError(const Error& e, const std::string& tool, const std::string& line) {
  EXPECT_EQ(e.code, ErrorCode::InternalError);
  EXPECT_EQ(e.domain, ErrorDomain::Storage);
  EXPECT_NE(e.message.find(tool), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("'" + line + "'"), std::string::npos) << e.message;
}

TEST(LvmOutput, ParsesRealVgs) {
  auto sizes = parseVgs(testdata("vgs.out"));
  ASSERT_TRUE(sizes) << sizes.error().message;
  EXPECT_EQ(sizes->size, 125829120u);
  EXPECT_EQ(sizes->free, 125829120u);
  // A trailing separator (SLES) is accepted.
  auto trailing = parseVgs("  10603200512:4328521728:\n");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->free, 4328521728u);
}

TEST(LvmOutput, RejectsGarbageVgs) {
  for (const char* bad : {"  12:x\n", "  12\n", "  1:2:3\n", "  5:9\n", " -1:0\n"}) {
    auto r = parseVgs(bad);
    ASSERT_FALSE(r) << bad;
    std::string line(bad);
    line = line.substr(line.find_first_not_of(' '));
    line.pop_back();
    expectParseError(r.error(), "vgs", line);
  }
  auto none = parseVgs("");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::InternalError);
  EXPECT_FALSE(parseVgs("  1:0\n  2:0\n"));
}

TEST(LvmOutput, ParsesRealLvsWithTwoSegments) {
  auto lvs = parseLvs(testdata("lvs-two-lvs.out"));
  ASSERT_TRUE(lvs) << lvs.error().message;
  ASSERT_EQ(lvs->size(), 2u);
  const auto& lv1 = (*lvs)[0];
  EXPECT_EQ(lv1.name, "lv1");
  EXPECT_EQ(lv1.uuid, "DTeRFj-Lw6t-XW0y-IKRz-1qGO-oKZ0-8cjA9j");
  EXPECT_EQ(lv1.origin, "");
  EXPECT_EQ(lv1.attr, "-wi-XX----");
  EXPECT_EQ(lv1.size, 20971520u);
  EXPECT_EQ(lv1.usedBytes, 20971520u);
  ASSERT_EQ(lv1.extents.size(), 1u);
  EXPECT_EQ(lv1.extents[0], (model::VolSourceExtent{"/dev/loop0", 0, 20971520}));
  const auto& lv2 = (*lvs)[1];
  EXPECT_EQ(lv2.name, "lv2");
  EXPECT_EQ(lv2.size, 92274688u);
  EXPECT_EQ(lv2.usedBytes, 62914560u + 29360128u);
  ASSERT_EQ(lv2.extents.size(), 2u);
  EXPECT_EQ(lv2.extents[0], (model::VolSourceExtent{"/dev/loop1", 0, 62914560}));
  // Extent 5 of 4 MiB on loop0.
  EXPECT_EQ(lv2.extents[1], (model::VolSourceExtent{"/dev/loop0", 20971520, 20971520 + 29360128}));
}

TEST(LvmOutput, RecordedLvsSkipsThinPoolsThinLvsAndInactiveLvs) {
  auto lvs = parseLvs(testdata("lvs-recorded-active.out"));
  ASSERT_TRUE(lvs) << lvs.error().message;
  std::vector<std::string> names;
  for (const auto& lv : *lvs)
    names.push_back(lv.name);
  EXPECT_EQ(names, (std::vector<std::string>{"home", "lv_data", "lv_snap", "sparse", "stripes"}));

  const auto& snap = (*lvs)[2];
  EXPECT_TRUE(snap.isSnapshot());
  EXPECT_EQ(snap.origin, "lv_data");
  EXPECT_EQ(snap.size, 1073741824u);
  EXPECT_EQ(snap.usedBytes, 536870912u);
  EXPECT_FALSE((*lvs)[1].isSnapshot());  // the origin ("o")

  const auto& sparse = (*lvs)[3];
  EXPECT_TRUE(sparse.isSnapshot());
  EXPECT_EQ(sparse.origin, "[sparse_vorigin]");
  EXPECT_EQ(sparse.size, 107374182400u);
  EXPECT_EQ(sparse.usedBytes, 8388608u);

  // Striped: one extent per stripe, each as long as the segment (as libvirt).
  const auto& stripes = (*lvs)[4];
  ASSERT_EQ(stripes.extents.size(), 2u);
  EXPECT_EQ(stripes.extents[0], (model::VolSourceExtent{"/dev/sdc1", 10240ull * 4194304,
                                                        10240ull * 4194304 + 42949672960ull}));
  EXPECT_EQ(stripes.extents[1], (model::VolSourceExtent{"/dev/sdd1", 0, 42949672960ull}));
}

TEST(LvmOutput, RecordedLvsAsVolumes) {
  auto lvs = parseLvs(testdata("lvs-recorded-active.out"));
  ASSERT_TRUE(lvs);
  model::PoolDef def;
  def.type = model::PoolType::Logical;
  def.source.name = "vg0";
  def.target.path = "/dev/vg0";
  auto home = volumeOf(def, (*lvs)[0]);
  EXPECT_EQ(home.name, "home");
  EXPECT_EQ(home.type, model::VolType::Block);
  EXPECT_EQ(home.key, "Xx1mXb-3vLq-8Kp2-yT4d-Qm7a-Wr9e-Lc2Fh0");
  EXPECT_EQ(home.target.path, "/dev/vg0/home");
  EXPECT_EQ(home.capacity, 10737418240u);
  EXPECT_EQ(home.allocation, 10737418240u);
  EXPECT_FALSE(home.backingStore);
  auto snap = volumeOf(def, (*lvs)[2]);
  ASSERT_TRUE(snap.backingStore);
  EXPECT_EQ(snap.backingStore->path, "/dev/vg0/lv_data");
  // The hidden virtual origin of a sparse LV is no backing store.
  EXPECT_FALSE(volumeOf(def, (*lvs)[3]).backingStore);
}

TEST(LvmOutput, RejectsGarbageLvs) {
  const std::vector<std::string> bad = {
      "lv1##uuid#/dev/sda(0)#linear#1#20971520#4194304#20971520",              // 9 fields
      "lv1##uuid#/dev/sda(0)#linear#x#20971520#4194304#20971520#-wi-a-----",   // stripes
      "lv1##uuid#/dev/sda(0)#linear#1#2097152x#4194304#20971520#-wi-a-----",   // seg_size
      "lv1##uuid#/dev/sda(0)#linear#1#20971520##20971520#-wi-a-----",          // extent size
      "lv1##uuid#/dev/sda(0)#linear#1#20971520#4194304#big#-wi-a-----",        // size
      "lv1##uuid#/dev/sda(x)#linear#1#20971520#4194304#20971520#-wi-a-----",   // offset
      "lv1##uuid#/dev/sda#linear#1#20971520#4194304#20971520#-wi-a-----",      // no offset
      "lv1##uuid#/dev/sda(0)#striped#2#20971520#4194304#20971520#-wi-a-----",  // 1 of 2 stripes
      "lv1##uuid#/dev/sda(0)#linear#1#20971520#4194304#20971520#-wi",          // short attr
      "Volume group vg0 not found",
  };
  for (const auto& line : bad) {
    auto r = parseLvs("  " + line + "\n");
    ASSERT_FALSE(r) << line;
    expectParseError(r.error(), "lvs", line);
  }
  auto stripes = parseLvs("  lv1##u#/dev/a(0)#striped#2#8#4#8#-wi-a-----\n");
  ASSERT_FALSE(stripes);
  EXPECT_NE(stripes.error().message.find("malformed volume extent devices value"),
            std::string::npos);
  // Nothing at all is a VG without LVs.
  auto empty = parseLvs("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(LvmOutput, ParsesRealPvs) {
  auto sources = parsePvs(testdata("pvs.out"));
  ASSERT_TRUE(sources) << sources.error().message;
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].name, "vgtest");
  EXPECT_EQ((*sources)[0].format, "lvm2");
  ASSERT_EQ((*sources)[0].devices.size(), 2u);
  EXPECT_EQ((*sources)[0].devices[0].path, "/dev/loop0");
  EXPECT_EQ((*sources)[0].devices[1].path, "/dev/loop1");
}

TEST(LvmOutput, RealPvsSkipsPvsInNoGroup) {
  auto sources = parsePvs(testdata("pvs-orphan.out"));
  ASSERT_TRUE(sources) << sources.error().message;
  ASSERT_EQ(sources->size(), 1u);
  ASSERT_EQ((*sources)[0].devices.size(), 1u);
  EXPECT_EQ((*sources)[0].devices[0].path, "/dev/loop0");
}

TEST(LvmOutput, GroupsPvsByVolumeGroupInOrder) {
  auto sources = parsePvs("  /dev/sda2 VolGroup00\n  /dev/sdb vg1\n  /dev/sdc VolGroup00\n");
  ASSERT_TRUE(sources);
  ASSERT_EQ(sources->size(), 2u);
  EXPECT_EQ((*sources)[0].name, "VolGroup00");
  EXPECT_EQ((*sources)[0].devices.size(), 2u);
  EXPECT_EQ((*sources)[1].name, "vg1");
  auto bad = parsePvs("  /dev/sda2 VolGroup00 extra\n");
  ASSERT_FALSE(bad);
  expectParseError(bad.error(), "pvs", "/dev/sda2 VolGroup00 extra");
}

}  // namespace
}  // namespace virtus::storage::logical
