// The logical backend's volume operations on golden LVM command lines with replayed output.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "driver/storage_flags.h"
#include "storage/backends/logical/logical_backend.h"
#include "storage/backends/logical/logical_test_support.h"

namespace virtus::storage::logical {
namespace {

using testing::timeoutError;

constexpr const char* kLvsOptions =
    "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr";

class LogicalVolumes : public testing::LogicalFixture {
 protected:
  LogicalVolumes() { EXPECT_TRUE(fs_.makeDirectories(def_.target.path, 0755)); }

  model::VolDef volume(std::uint64_t capacity, std::uint64_t allocation) {
    model::VolDef vol;
    vol.name = "lv1";
    vol.capacity = capacity;
    vol.hasCapacity = true;
    vol.allocation = allocation;
    return vol;
  }
  std::string path() const { return def_.target.path + "/lv1"; }
  void expectLvs(const std::string& out) {
    runner_
        .expect("lvs", "--separator", "#", "--noheadings", "--units", "b", "--unbuffered",
                "--nosuffix", "--options", kLvsOptions, "vg0")
        .replies(0, out);
  }
  static std::string lvLine(const std::string& attr, std::uint64_t size = 20971520,
                            const std::string& origin = "") {
    return "  lv1#" + origin + "#DTeRFj-Lw6t-XW0y-IKRz-1qGO-oKZ0-8cjA9j#/dev/sdb(0)#linear#1#" +
           std::to_string(size) + "#4194304#" + std::to_string(size) + "#" + attr + "\n";
  }
};

TEST_F(LogicalVolumes, CreateVolSetsPathAndType) {
  auto vol = volume(20971520, 20971520);
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  EXPECT_EQ(vol.type, model::VolType::Block);
  EXPECT_EQ(vol.target.path, path());
  EXPECT_TRUE(runner_.commands().empty());
  vol.target.encryption = model::StorageEncryption{};
  auto r = backend()->createVol(pool_, vol);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
}

TEST_F(LogicalVolumes, BuildThickLvFillsKeyFromLvs) {
  auto vol = volume(20971520, 20971520);
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  runner_.expect("lvcreate", "--name", "lv1", "-L", "20480K", "vg0", "--yes")
      .replies(0, "  Logical volume \"lv1\" created.\n");
  expectLvs(lvLine("-wi-XX----"));
  auto r = backend()->buildVol(pool_, vol, 0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(vol.key, "DTeRFj-Lw6t-XW0y-IKRz-1qGO-oKZ0-8cjA9j");
  EXPECT_EQ(vol.allocation, 20971520u);
  ASSERT_EQ(vol.source.extents.size(), 1u);
  expectQuickDeadlines();
}

TEST_F(LogicalVolumes, BuildSetsModeOfTheDeviceNode) {
  tmp_.write("dev/vg0/lv1", "");
  ASSERT_EQ(::chmod(path().c_str(), 0644), 0);
  auto vol = volume(20971520, 20971520);
  vol.target.perms.mode = 0640;
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  runner_.expect("lvcreate", "--name", "lv1", "-L", "20480K", "vg0", "--yes").replies(0);
  expectLvs(lvLine("-wi-a-----"));
  ASSERT_TRUE(backend()->buildVol(pool_, vol, 0));
  auto st = fs_.stat(path());
  ASSERT_TRUE(st);
  EXPECT_EQ(st->mode, 0640u);
}

TEST_F(LogicalVolumes, BuildSparseLvUsesVirtualSize) {
  tmp_.write("dev/vg0/lv1", "");  // the node of the active LV
  auto vol = volume(1073741824, 8388608);
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  runner_
      .expect("lvcreate", "--name", "lv1", "-L", "8192K", "--type", "snapshot", "--virtualsize",
              "1048576K", "vg0", "--yes")
      .replies(0);
  expectLvs(
      "  lv1#[lv1_vorigin]#DTeRFj-Lw6t-XW0y-IKRz-1qGO-oKZ0-8cjA9j#/dev/sdb(0)#linear#1#"
      "8388608#4194304#1073741824#swi-a-s---\n");
  ASSERT_TRUE(backend()->buildVol(pool_, vol, 0));
  EXPECT_EQ(vol.capacity, 1073741824u);
  EXPECT_EQ(vol.allocation, 8388608u);
}

TEST_F(LogicalVolumes, BuildRemovesTheLvWhenItCannotBeFoundAfterwards) {
  auto vol = volume(20971520, 20971520);
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  runner_.expect("lvcreate", "--name", "lv1", "-L", "20480K", "vg0", "--yes").replies(0);
  expectLvs("");
  runner_.expect("lvremove", "-f", path()).replies(0);
  auto r = backend()->buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "cannot find newly created volume '" + path() + "'");
}

TEST_F(LogicalVolumes, BuildRemovesTheLvWhenLvsPrintsGarbage) {
  auto vol = volume(20971520, 20971520);
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  runner_.expect("lvcreate", "--name", "lv1", "-L", "20480K", "vg0", "--yes").replies(0);
  expectLvs("  what#is#this\n");
  runner_.expect("lvremove", "-f", path()).replies(5, "", "  busy\n");
  runner_.expect("lvchange", "-aln", path()).replies(0);
  runner_.expect("lvremove", "-f", path()).replies(0);
  auto r = backend()->buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("'what#is#this'"), std::string::npos);
}

TEST_F(LogicalVolumes, BuildRemovesAnActiveLvWithoutNode) {
  auto vol = volume(20971520, 20971520);
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  runner_.expect("lvcreate", "--name", "lv1", "-L", "20480K", "vg0", "--yes").replies(0);
  expectLvs(lvLine("-wi-a-----"));
  runner_.expect("lvremove", "-f", path()).replies(0);
  auto r = backend()->buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
}

TEST_F(LogicalVolumes, BuildFailuresAndTimeout) {
  auto vol = volume(20971520, 20971520);
  ASSERT_TRUE(backend()->createVol(pool_, vol));
  runner_.expect("lvcreate", "--name", "lv1", "-L", "20480K", "vg0", "--yes")
      .replies(5, "",
               "  Volume group \"vg0\" has insufficient free space (2 extents): 5 required.\n");
  auto full = backend()->buildVol(pool_, vol, 0);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::InternalError);
  EXPECT_NE(full.error().message.find("insufficient free space"), std::string::npos);

  runner_.expect("lvcreate", "--name", "lv1", "-L", "20480K", "vg0", "--yes").fails(timeoutError());
  auto hung = backend()->buildVol(pool_, vol, 0);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);

  EXPECT_FALSE(backend()->buildVol(pool_, vol, driver::create_vol::kReflink));
}

TEST_F(LogicalVolumes, DeleteRemovesAndRetriesAfterDeactivating) {
  auto vol = volume(20971520, 20971520);
  vol.target.path = path();
  runner_.expect("lvremove", "-f", path()).replies(0);
  ASSERT_TRUE(backend()->deleteVol(pool_, vol, 0));
  runner_.expect("lvremove", "-f", path()).replies(5, "", "  Logical volume vg0/lv1 in use.\n");
  runner_.expect("lvchange", "-aln", path()).replies(5, "", "  Logical volume vg0/lv1 in use.\n");
  auto busy = backend()->deleteVol(pool_, vol, 0);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::InternalError);
  EXPECT_NE(busy.error().message.find("lvchange -aln"), std::string::npos);
  runner_.expect("lvremove", "-f", path()).fails(timeoutError());
  auto hung = backend()->deleteVol(pool_, vol, 0);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);
  expectQuickDeadlines();
}

TEST_F(LogicalVolumes, ResizeGrowsAndShrinksWithFlag) {
  auto vol = volume(20971520, 20971520);
  vol.target.path = path();
  expectLvs(lvLine("-wi-XX----"));
  runner_.expect("lvresize", "-L", "25165824b", "vg0/lv1").replies(0);
  expectLvs(lvLine("-wi-XX----", 25165824));
  ASSERT_TRUE(backend()->resizeVol(pool_, vol, 25165824, 0));
  EXPECT_EQ(vol.capacity, 25165824u);

  auto refused = backend()->resizeVol(pool_, vol, 16777216, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidArg);

  expectLvs(lvLine("-wi-XX----", 25165824));
  runner_.expect("lvresize", "-f", "-L", "16777216b", "vg0/lv1").replies(0);
  expectLvs(lvLine("-wi-XX----", 16777216));
  ASSERT_TRUE(backend()->resizeVol(pool_, vol, 16777216, driver::resize_vol::kShrink));
  EXPECT_EQ(vol.capacity, 16777216u);
  expectQuickDeadlines();
}

TEST_F(LogicalVolumes, ResizeRefusesSparseAndReportsFailures) {
  auto vol = volume(20971520, 20971520);
  expectLvs(lvLine("swi-a-s---", 20971520, "[lv1_vorigin]"));
  auto sparse = backend()->resizeVol(pool_, vol, 25165824, 0);
  ASSERT_FALSE(sparse);
  EXPECT_EQ(sparse.error().code, ErrorCode::NoSupport);

  expectLvs(lvLine("-wi-XX----"));
  runner_.expect("lvresize", "-L", "25165824b", "vg0/lv1")
      .replies(5, "", "  Insufficient free space: 5 extents needed, but only 3 available\n");
  auto full = backend()->resizeVol(pool_, vol, 25165824, 0);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::InternalError);
  EXPECT_EQ(vol.capacity, 20971520u);

  expectLvs(lvLine("-wi-XX----"));
  runner_.expect("lvresize", "-L", "25165824b", "vg0/lv1").fails(timeoutError());
  auto hung = backend()->resizeVol(pool_, vol, 25165824, 0);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);

  expectLvs("");
  auto gone = backend()->resizeVol(pool_, vol, 25165824, 0);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NoStorageVol);
}

TEST_F(LogicalVolumes, WipeZeroesTheDeviceNode) {
  tmp_.write("dev/vg0/lv1", std::string(3 << 20, 'x'));
  auto vol = volume(3 << 20, 3 << 20);
  vol.target.path = path();
  expectLvs(lvLine("-wi-a-----"));
  std::uint64_t last = 0;
  auto r = backend()->wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 0,
                              [&](std::uint64_t done, std::uint64_t) { last = done; });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(deviceText(path()), std::string(3 << 20, '\0'));
  EXPECT_EQ(last, 3u << 20);
}

TEST_F(LogicalVolumes, WipeRefusesSparseAndTrimAndRunsScrub) {
  auto vol = volume(20971520, 20971520);
  vol.target.path = path();
  expectLvs(lvLine("swi-a-s---", 20971520, "[lv1_vorigin]"));
  auto sparse = backend()->wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 0, {});
  ASSERT_FALSE(sparse);
  EXPECT_EQ(sparse.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(sparse.error().message,
            "logical volume '" + path() + "' is sparse, volume wipe not supported");

  expectLvs(lvLine("-wi-a-----"));
  auto trim = backend()->wipeVol(pool_, vol, driver::WipeAlgorithm::Trim, 0, {});
  ASSERT_FALSE(trim);
  EXPECT_EQ(trim.error().code, ErrorCode::ArgumentUnsupported);

  expectLvs(lvLine("-wi-a-----"));
  runner_.expect("scrub", "-f", "-p", "nnsa", path()).replies(0);
  ASSERT_TRUE(backend()->wipeVol(pool_, vol, driver::WipeAlgorithm::Nnsa, 0, {}));

  runner_
      .expect("lvs", "--separator", "#", "--noheadings", "--units", "b", "--unbuffered",
              "--nosuffix", "--options", kLvsOptions, "vg0")
      .fails(timeoutError());
  auto hung = backend()->wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 0, {});
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);
  expectQuickDeadlines();
}

}  // namespace
}  // namespace virtus::storage::logical
