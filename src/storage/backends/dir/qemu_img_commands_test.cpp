#include "storage/backends/dir/qemu_img_commands.h"

#include <gtest/gtest.h>

namespace virtus::storage::dir {
namespace {

// The volume of libvirt's storagevolxml2argvdata cases (vol-qcow2.xml): 5 GiB, backed by
// /dev/null.
model::VolDef otherDemo() {
  model::VolDef vol;
  vol.name = "OtherDemo.img";
  vol.capacity = 5ull << 30;
  vol.hasCapacity = true;
  vol.target.path = "/var/lib/libvirt/images/OtherDemo.img";
  vol.target.format = "qcow2";
  vol.backingStore = model::VolBackingStore{"/dev/null", "raw", {}};
  return vol;
}

std::string argv(const os::Command& cmd) {
  return cmd.toArgvText();
}

// Expected texts are libvirt 9.0's tests/storagevolxml2argvdata/*.argv.
TEST(QemuImgCreate, Qcow2Compat11MatchesLibvirt) {
  auto vol = otherDemo();
  vol.target.compat = "1.1";
  auto cmd = buildQemuImgCreate(vol, "raw", 0);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(argv(*cmd),
            "qemu-img \\\ncreate \\\n-f qcow2 \\\n-b /dev/null \\\n"
            "-o backing_fmt=raw,compat=1.1 \\\n/var/lib/libvirt/images/OtherDemo.img \\\n"
            "5242880K");
}

TEST(QemuImgCreate, LazyRefcountsMatchesLibvirt) {
  auto vol = otherDemo();
  vol.target.compat = "1.1";
  vol.target.lazyRefcounts = true;
  vol.target.hasFeatures = true;
  auto cmd = buildQemuImgCreate(vol, "raw", 0);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(argv(*cmd),
            "qemu-img \\\ncreate \\\n-f qcow2 \\\n-b /dev/null \\\n"
            "-o backing_fmt=raw,compat=1.1,lazy_refcounts \\\n"
            "/var/lib/libvirt/images/OtherDemo.img \\\n5242880K");
}

TEST(QemuImgCreate, NocowDefaultsCompatTo010) {
  auto vol = otherDemo();
  vol.target.nocow = model::TriState::Yes;
  auto cmd = buildQemuImgCreate(vol, "raw", 0);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(argv(*cmd),
            "qemu-img \\\ncreate \\\n-f qcow2 \\\n-b /dev/null \\\n"
            "-o backing_fmt=raw,nocow=on,compat=0.10 \\\n"
            "/var/lib/libvirt/images/OtherDemo.img \\\n5242880K");
}

TEST(QemuImgCreate, NoCapacityWithBackingOmitsSize) {
  auto vol = otherDemo();
  vol.capacity = 0;
  vol.hasCapacity = false;
  auto cmd = buildQemuImgCreate(vol, "raw", 0);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(argv(*cmd),
            "qemu-img \\\ncreate \\\n-f qcow2 \\\n-b /dev/null \\\n"
            "-o backing_fmt=raw,compat=0.10 \\\n/var/lib/libvirt/images/OtherDemo.img");
}

TEST(QemuImgCreate, PreallocationAndClusterSize) {
  auto vol = otherDemo();
  vol.backingStore.reset();
  vol.allocation = 0;
  vol.target.clusterSize = 131072;
  auto cmd = buildQemuImgCreate(vol, "", driver::create_vol::kPreallocMetadata);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->args,
            (std::vector<std::string>{"create", "-f", "qcow2", "-o",
                                      "preallocation=metadata,compat=0.10,cluster_size=131072",
                                      "/var/lib/libvirt/images/OtherDemo.img", "5242880K"}));
  vol.allocation = vol.capacity;
  cmd = buildQemuImgCreate(vol, "", driver::create_vol::kPreallocMetadata);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->args[4], "preallocation=falloc,compat=0.10,cluster_size=131072");
}

TEST(QemuImgCreate, OtherFormatsRoundSizeUpToKiB) {
  model::VolDef vol;
  vol.capacity = 1025;
  vol.hasCapacity = true;
  vol.target.path = "/p/v.vmdk";
  vol.target.format = "vmdk";
  auto cmd = buildQemuImgCreate(vol, "", 0);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->toString(), "qemu-img create -f vmdk /p/v.vmdk 2K");
}

TEST(QemuImgCreate, RejectsQcow2OnlyFeaturesElsewhereAndBadCombinations) {
  model::VolDef vol;
  vol.target.path = "/p/v.qed";
  vol.target.format = "qed";
  vol.target.compat = "1.1";
  auto cmd = buildQemuImgCreate(vol, "", 0);
  ASSERT_FALSE(cmd);
  EXPECT_EQ(cmd.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(cmd.error().message, "format features only available with qcow2");

  auto lazy = otherDemo();
  lazy.target.compat = "0.10";
  lazy.target.lazyRefcounts = true;
  auto bad = buildQemuImgCreate(lazy, "raw", 0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "lazy_refcounts not supported with compat level 0.10");
}

TEST(QemuImgConvert, MatchesLibvirtPreallocCompat) {
  model::VolDef source;
  source.target.path = "/var/lib/libvirt/images/sparse.img";
  source.target.format = "raw";
  auto vol = otherDemo();
  vol.backingStore.reset();
  vol.target.compat = "0.10";
  auto cmd = buildQemuImgConvert(vol, source, driver::create_vol::kPreallocMetadata);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(argv(*cmd),
            "qemu-img \\\nconvert \\\n-f raw \\\n-O qcow2 \\\n"
            "-o preallocation=metadata,compat=0.10 \\\n/var/lib/libvirt/images/sparse.img \\\n"
            "/var/lib/libvirt/images/OtherDemo.img");
}

TEST(QemuImgResize, ShrinkFlag) {
  EXPECT_EQ(buildQemuImgResize("/p/a.qcow2", 1048576, false).toString(),
            "qemu-img resize /p/a.qcow2 1048576");
  EXPECT_EQ(buildQemuImgResize("/p/a.qcow2", 513, true).toString(),
            "qemu-img resize --shrink /p/a.qcow2 1024");
}

TEST(Scrub, PatternsAsLibvirtNamesThem) {
  using driver::WipeAlgorithm;
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Nnsa), "nnsa");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Dod), "dod");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Bsi), "bsi");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Gutmann), "gutmann");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Schneier), "schneier");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Pfitzner7), "pfitzner7");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Pfitzner33), "pfitzner33");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Random), "random");
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Zero), std::nullopt);
  EXPECT_EQ(scrubPatternName(WipeAlgorithm::Trim), std::nullopt);
  EXPECT_EQ(buildScrub("dod", "/p/v").toString(), "scrub -f -p dod /p/v");
}

}  // namespace
}  // namespace virtus::storage::dir
