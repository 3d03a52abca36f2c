// The logical backend's pool operations on golden LVM command lines with replayed output
// (testdata/), over device files in a temporary directory.
#include "storage/backends/logical/logical_backend.h"

#include <gtest/gtest.h>

#include "driver/storage_flags.h"
#include "storage/backends/logical/logical_test_support.h"

namespace virtus::storage::logical {
namespace {

using testing::testdata;
using testing::timeoutError;

class LogicalPool : public testing::LogicalFixture {
 protected:
  // The first and last MiB of `dev` are zero, the rest untouched (0xff).
  void expectEndsZeroed(const std::string& dev) {
    const std::string text = deviceText(dev);
    ASSERT_EQ(text.size(), kDeviceSize);
    const std::size_t mib = 1 << 20;
    EXPECT_EQ(text.substr(0, mib), std::string(mib, '\0'));
    EXPECT_EQ(text.substr(kDeviceSize - mib), std::string(mib, '\0'));
    EXPECT_EQ(text.substr(mib, kDeviceSize - 2 * mib), std::string(kDeviceSize - 2 * mib, '\xff'));
  }
  void expectUntouched(const std::string& dev) {
    EXPECT_EQ(deviceText(dev), std::string(kDeviceSize, '\xff')) << dev;
  }
  void expectSources(const std::string& pvsOut) {
    runner_.expect("vgscan").replies(0, "  Found volume group \"vg0\" using metadata type lvm2\n");
    runner_.expect("pvs", "--noheadings", "-o", "pv_name,vg_name").replies(0, pvsOut);
  }
};

TEST_F(LogicalPool, BuildZeroesDevicesThenPvcreateAndVgcreate) {
  runner_.expect("pvcreate", dev1_).replies(0, "  Physical volume \"" + dev1_ + "\" created.\n");
  runner_.expect("pvcreate", dev2_).replies(0);
  runner_.expect("vgcreate", "vg0", dev1_, dev2_).replies(0);
  auto r = backend()->buildPool(pool_, 0);
  ASSERT_TRUE(r) << r.error().message;
  expectEndsZeroed(dev1_);
  expectEndsZeroed(dev2_);
  expectQuickDeadlines();
}

TEST_F(LogicalPool, BuildRefusesFormattedDeviceWithoutOverwrite) {
  contents_[dev2_] = DeviceContent{"ext4", ""};
  auto r = backend()->buildPool(pool_, driver::build_pool::kNoOverwrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_NE(r.error().message.find(dev2_), std::string::npos) << r.error().message;
  // Nothing was touched, not even the first device that was fine.
  expectUntouched(dev1_);
  expectUntouched(dev2_);
  EXPECT_TRUE(runner_.commands().empty());
}

TEST_F(LogicalPool, BuildRefusesExistingPhysicalVolume) {
  contents_[dev1_] = DeviceContent{"LVM2_member", ""};
  auto r = backend()->buildPool(pool_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(r.error().message, "Device '" + dev1_ + "' already formatted using 'LVM2_member'");
}

TEST_F(LogicalPool, BuildWithOverwriteDoesNotProbe) {
  contents_[dev1_] = DeviceContent{"", "gpt"};
  runner_.expect("pvcreate", dev1_).replies(0);
  runner_.expect("pvcreate", dev2_).replies(0);
  runner_.expect("vgcreate", "vg0", dev1_, dev2_).replies(0);
  auto r = backend()->buildPool(pool_, driver::build_pool::kOverwrite);
  ASSERT_TRUE(r) << r.error().message;
  expectEndsZeroed(dev1_);
}

TEST_F(LogicalPool, BuildRejectsBothOverwriteFlags) {
  auto r = backend()->buildPool(pool_,
                                driver::build_pool::kOverwrite | driver::build_pool::kNoOverwrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  auto bad = backend()->buildPool(pool_, 1u << 7);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArg);
}

TEST_F(LogicalPool, BuildRemovesPhysicalVolumesWhenVgcreateFails) {
  runner_.expect("pvcreate", dev1_).replies(0);
  runner_.expect("pvcreate", dev2_).replies(0);
  runner_.expect("vgcreate", "vg0", dev1_, dev2_)
      .replies(5, "", "  A volume group called vg0 already exists.\n");
  runner_.expect("pvremove", dev1_).replies(0);
  runner_.expect("pvremove", dev2_).replies(5, "", "  boom\n");  // ignored
  auto r = backend()->buildPool(pool_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "Child process (vgcreate vg0 " + dev1_ + " " + dev2_ +
                                   ") unexpected exit status 5:   A volume group called vg0 "
                                   "already exists.");
}

TEST_F(LogicalPool, BuildRemovesFirstPvWhenSecondPvcreateFails) {
  runner_.expect("pvcreate", dev1_).replies(0);
  runner_.expect("pvcreate", dev2_)
      .replies(5, "", "  Device " + dev2_ + " excluded by a filter.\n");
  runner_.expect("pvremove", dev1_).replies(0);
  auto r = backend()->buildPool(pool_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
}

TEST_F(LogicalPool, BuildFailsOnDeviceSmallerThanTheBlankArea) {
  tmp_.write("tiny", "x");
  pool_.def.source.devices = {{tmp_.file("tiny")}};
  auto r = backend()->buildPool(pool_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_NE(r.error().message.find(tmp_.file("tiny")), std::string::npos);
}

TEST_F(LogicalPool, BuildTimeoutPassesThroughAndRollsBack) {
  runner_.expect("pvcreate", dev1_).replies(0);
  runner_.expect("pvcreate", dev2_).replies(0);
  runner_.expect("vgcreate", "vg0", dev1_, dev2_).fails(timeoutError());
  runner_.expect("pvremove", dev1_).replies(0);
  runner_.expect("pvremove", dev2_).replies(0);
  auto r = backend()->buildPool(pool_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
}

TEST_F(LogicalPool, StartMatchesSourceThenActivates) {
  expectSources("  " + dev1_ + " vg0\n  " + dev2_ + " vg0\n  /dev/sdz other\n");
  runner_.expect("vgchange", "-aly", "vg0").replies(0, "  0 logical volume(s) now active\n");
  auto r = backend()->startPool(pool_);
  ASSERT_TRUE(r) << r.error().message;
  expectQuickDeadlines();
}

TEST_F(LogicalPool, StartIgnoresVgscanFailure) {
  runner_.expect("vgscan").replies(5, "", "  error\n");
  runner_.expect("pvs", "--noheadings", "-o", "pv_name,vg_name")
      .replies(0, "  " + dev1_ + " vg0\n");
  runner_.expect("vgchange", "-aly", "vg0").replies(0);
  EXPECT_TRUE(backend()->startPool(pool_));
}

TEST_F(LogicalPool, StartFailsWithoutTheVolumeGroup) {
  expectSources("  /dev/sdz other\n  " + dev1_ + "    \n");
  auto r = backend()->startPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(r.error().message, "cannot find logical volume group name 'vg0'");
}

TEST_F(LogicalPool, StartFailsWhenNoSourceDeviceMatches) {
  expectSources("  /dev/sdz vg0\n");
  auto r = backend()->startPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(r.error().message,
            "cannot find any matching source devices for logical volume group 'vg0'");
}

TEST_F(LogicalPool, StartWithoutDevicesMatchesByName) {
  pool_.def.source.devices.clear();
  expectSources("  /dev/sdz vg0\n");
  runner_.expect("vgchange", "-aly", "vg0").replies(0);
  EXPECT_TRUE(backend()->startPool(pool_));
}

TEST_F(LogicalPool, StartTimeoutPassesThrough) {
  runner_.expect("vgscan").fails(timeoutError());
  auto r = backend()->startPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
}

TEST_F(LogicalPool, CheckPoolMatchesTheSource) {
  auto b = backend();
  // No /dev/vg0 (no active LV) does not matter.
  expectSources("  " + dev1_ + " vg0\n");
  auto active = b->checkPool(pool_);
  ASSERT_TRUE(active) << active.error().message;
  EXPECT_TRUE(*active);
  expectSources("  " + dev1_ + " other\n");
  auto gone = b->checkPool(pool_);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  runner_.expect("vgscan").replies(0);
  runner_.expect("pvs", "--noheadings", "-o", "pv_name,vg_name").fails(timeoutError());
  auto hung = b->checkPool(pool_);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);
}

TEST_F(LogicalPool, StopDeactivates) {
  runner_.expect("vgchange", "-aln", "vg0").replies(0);
  EXPECT_TRUE(backend()->stopPool(pool_));
  runner_.expect("vgchange", "-aln", "vg0")
      .replies(5, "", "  Can't deactivate volume group \"vg0\" with 1 open logical volume(s)\n");
  auto r = backend()->stopPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("with 1 open logical volume(s)"), std::string::npos);
  expectQuickDeadlines();
}

TEST_F(LogicalPool, DeleteRemovesGroupThenPhysicalVolumes) {
  runner_.expect("vgremove", "-f", "vg0").replies(0);
  runner_.expect("pvremove", dev1_).replies(5, "", "  No PV found\n");  // ignored, as libvirt
  runner_.expect("pvremove", dev2_).replies(0);
  auto r = backend()->deletePool(pool_, 0);
  ASSERT_TRUE(r) << r.error().message;
  expectQuickDeadlines();
}

TEST_F(LogicalPool, DeleteStopsWhenVgremoveFails) {
  runner_.expect("vgremove", "-f", "vg0").replies(5, "", testdata("vgs-missing.err"));
  auto r = backend()->deletePool(pool_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("Volume group \"nosuchvg\" not found"), std::string::npos);
  EXPECT_FALSE(backend()->deletePool(pool_, 1));
}

TEST_F(LogicalPool, RefreshListsVolumesAndSizesFromRealOutput) {
  runner_
      .expect("lvs", "--separator", "#", "--noheadings", "--units", "b", "--unbuffered",
              "--nosuffix", "--options",
              "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr",
              "vg0")
      .replies(0, testdata("lvs-two-lvs.out"),
               "  WARNING: Activation disabled. No device-mapper interaction will be attempted.\n");
  runner_
      .expect("vgs", "--separator", ":", "--noheadings", "--units", "b", "--unbuffered",
              "--nosuffix", "--options", "vg_size,vg_free", "vg0")
      .replies(0, "  125829120:12582912\n");
  auto r = backend()->refreshPool(pool_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(pool_.def.capacity, 125829120u);
  EXPECT_EQ(pool_.def.available, 12582912u);
  EXPECT_EQ(pool_.def.allocation, 125829120u - 12582912u);
  ASSERT_EQ(pool_.volumes.size(), 2u);
  EXPECT_EQ(pool_.volumes[0].name, "lv1");
  EXPECT_EQ(pool_.volumes[0].key, "DTeRFj-Lw6t-XW0y-IKRz-1qGO-oKZ0-8cjA9j");
  EXPECT_EQ(pool_.volumes[0].target.path, pool_.def.target.path + "/lv1");
  EXPECT_EQ(pool_.volumes[0].capacity, 20971520u);
  EXPECT_EQ(pool_.volumes[1].source.extents.size(), 2u);
  expectQuickDeadlines();
}

TEST_F(LogicalPool, RefreshFailsOnGarbageAndTimeout) {
  runner_
      .expect("lvs", "--separator", "#", "--noheadings", "--units", "b", "--unbuffered",
              "--nosuffix", "--options",
              "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr",
              "vg0")
      .replies(0, "");
  runner_
      .expect("vgs", "--separator", ":", "--noheadings", "--units", "b", "--unbuffered",
              "--nosuffix", "--options", "vg_size,vg_free", "vg0")
      .fails(timeoutError());
  auto hung = backend()->refreshPool(pool_);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);

  runner_
      .expect("lvs", "--separator", "#", "--noheadings", "--units", "b", "--unbuffered",
              "--nosuffix", "--options",
              "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr",
              "vg0")
      .replies(0, "  lv1#garbage\n");
  auto bad = backend()->refreshPool(pool_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InternalError);
  EXPECT_NE(bad.error().message.find("'lv1#garbage'"), std::string::npos);
}

TEST_F(LogicalPool, FindPoolSourcesListsGroupsFromRealPvs) {
  expectSources(testdata("pvs.out"));
  auto xml = backend()->findPoolSources("", 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(*xml,
            "<sources>\n"
            "  <source>\n"
            "    <device path='/dev/loop0'/>\n"
            "    <device path='/dev/loop1'/>\n"
            "    <name>vgtest</name>\n"
            "    <format type='lvm2'/>\n"
            "  </source>\n"
            "</sources>\n");
  auto flagged = backend()->findPoolSources("", 1);
  ASSERT_FALSE(flagged);
  EXPECT_EQ(flagged.error().code, ErrorCode::InvalidArg);
}

TEST_F(LogicalPool, FeaturesAreWhatIsImplemented) {
  auto f = backend()->features();
  EXPECT_TRUE(f.buildPool && f.startPool && f.stopPool && f.deletePool && f.findPoolSources);
  EXPECT_TRUE(f.createVol && f.buildVol && f.deleteVol && f.resizeVol && f.wipeVol && f.uploadVol &&
              f.downloadVol);
  EXPECT_FALSE(f.buildVolFrom || f.refreshVol || f.lookupVol);
}

}  // namespace
}  // namespace virtus::storage::logical
