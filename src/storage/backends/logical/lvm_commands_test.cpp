#include "storage/backends/logical/lvm_commands.h"

#include <gtest/gtest.h>

#include "model/storage/pool_xml.h"
#include "model/storage/vol_def.h"
#include "support/fixtures.h"

namespace virtus::storage::logical {
namespace {

TEST(LvmCommands, LibvirtVgchangeArgvFixtures) {
  int cases = 0;
  for (const auto& c : fixtures::poolArgvCases()) {
    auto def = model::readPoolXml(c.xml);
    ASSERT_TRUE(def) << c.name;
    if (def->type != model::PoolType::Logical)
      continue;
    ++cases;
    EXPECT_EQ(buildVgchangeCommand(*def, true).toArgvText(), c.argv) << c.name;
  }
  EXPECT_EQ(cases, 3);
}

TEST(LvmCommands, DeactivateUsesSourceName) {
  auto def = model::readPoolXml(
      "<pool type='logical'><name>pool</name><source><name>vg0</name></source></pool>");
  ASSERT_TRUE(def) << def.error().message;
  os::Command cmd = buildVgchangeCommand(*def, false);
  EXPECT_EQ(cmd.program, "vgchange");
  EXPECT_EQ(cmd.args, (std::vector<std::string>{"-aln", "vg0"}));
}

using Argv = std::vector<std::string>;

Argv argv(const os::Command& cmd) {
  Argv v{cmd.program};
  v.insert(v.end(), cmd.args.begin(), cmd.args.end());
  return v;
}

model::PoolDef vgPool() {
  model::PoolDef def;
  def.type = model::PoolType::Logical;
  def.name = "pool";
  def.source.name = "vg0";
  def.source.devices = {{"/dev/sdb"}, {"/dev/sdc"}};
  def.target.path = "/dev/vg0";
  return def;
}

model::VolDef lv(std::uint64_t capacity, std::uint64_t allocation) {
  model::VolDef vol;
  vol.name = "lv1";
  vol.capacity = capacity;
  vol.allocation = allocation;
  return vol;
}

TEST(LvmCommands, GoldenPoolCommandLines) {
  auto def = vgPool();
  EXPECT_EQ(argv(buildPvcreate("/dev/sdb")), (Argv{"pvcreate", "/dev/sdb"}));
  EXPECT_EQ(argv(buildPvremove("/dev/sdb")), (Argv{"pvremove", "/dev/sdb"}));
  EXPECT_EQ(argv(buildVgcreate(def)), (Argv{"vgcreate", "vg0", "/dev/sdb", "/dev/sdc"}));
  EXPECT_EQ(argv(buildVgremove(def)), (Argv{"vgremove", "-f", "vg0"}));
  EXPECT_EQ(argv(buildVgscan()), (Argv{"vgscan"}));
  EXPECT_EQ(argv(buildPvs()), (Argv{"pvs", "--noheadings", "-o", "pv_name,vg_name"}));
  EXPECT_EQ(argv(buildVgs(def)),
            (Argv{"vgs", "--separator", ":", "--noheadings", "--units", "b", "--unbuffered",
                  "--nosuffix", "--options", "vg_size,vg_free", "vg0"}));
  EXPECT_EQ(argv(buildLvs(def)),
            (Argv{"lvs", "--separator", "#", "--noheadings", "--units", "b", "--unbuffered",
                  "--nosuffix", "--options",
                  "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,"
                  "lv_attr",
                  "vg0"}));
}

TEST(LvmCommands, LvcreateThickSparseAndSnapshot) {
  auto def = vgPool();
  // Thick: allocation == capacity, sizes in KiB rounded up.
  EXPECT_EQ(argv(buildLvcreate(def, lv(1073741824, 1073741824))),
            (Argv{"lvcreate", "--name", "lv1", "-L", "1048576K", "vg0", "--yes"}));
  EXPECT_EQ(argv(buildLvcreate(def, lv(1025, 1025))),
            (Argv{"lvcreate", "--name", "lv1", "-L", "2K", "vg0", "--yes"}));
  EXPECT_FALSE(isSparseRequest(lv(1025, 1025)));
  // Sparse: a snapshot of a virtual origin holding `allocation`.
  EXPECT_TRUE(isSparseRequest(lv(1073741824, 8388608)));
  EXPECT_EQ(argv(buildLvcreate(def, lv(1073741824, 8388608))),
            (Argv{"lvcreate", "--name", "lv1", "-L", "8192K", "--type", "snapshot", "--virtualsize",
                  "1048576K", "vg0", "--yes"}));
  // Allocation 0 asks for the smallest COW space (1 byte, i.e. 1K).
  EXPECT_EQ(argv(buildLvcreate(def, lv(1048576, 0))),
            (Argv{"lvcreate", "--name", "lv1", "-L", "1K", "--type", "snapshot", "--virtualsize",
                  "1024K", "vg0", "--yes"}));
  // Backing store: a snapshot of the origin LV, named by its path.
  auto snap = lv(1073741824, 1073741824);
  snap.backingStore = model::VolBackingStore{"/dev/vg0/base", "", {}};
  EXPECT_EQ(argv(buildLvcreate(def, snap)),
            (Argv{"lvcreate", "--name", "lv1", "-L", "1048576K", "-s", "/dev/vg0/base", "--yes"}));
  // LUKS room: 2 MiB more.
  auto luks = lv(1048576, 1048576);
  luks.target.encryption = model::StorageEncryption{};
  EXPECT_EQ(argv(buildLvcreate(def, luks)),
            (Argv{"lvcreate", "--name", "lv1", "-L", "3072K", "vg0", "--yes"}));
}

TEST(LvmCommands, GoldenVolumeCommandLines) {
  auto def = vgPool();
  EXPECT_EQ(argv(buildLvremove("/dev/vg0/lv1")), (Argv{"lvremove", "-f", "/dev/vg0/lv1"}));
  EXPECT_EQ(argv(buildLvchangeDeactivate("/dev/vg0/lv1")),
            (Argv{"lvchange", "-aln", "/dev/vg0/lv1"}));
  EXPECT_EQ(argv(buildLvresize(def, "lv1", 2147483648, false)),
            (Argv{"lvresize", "-L", "2147483648b", "vg0/lv1"}));
  EXPECT_EQ(argv(buildLvresize(def, "lv1", 1048576, true)),
            (Argv{"lvresize", "-f", "-L", "1048576b", "vg0/lv1"}));
}

}  // namespace
}  // namespace virtus::storage::logical
