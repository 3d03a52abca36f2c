// The LUN scan over a sysfs and /dev tree laid out in a temporary directory as the kernel and
// udev make it for a logged-in iSCSI session (iscsi_test_support.h), and the volumes made
// from the LUNs with scsi_id's answers replayed (no initiator, no udev here). The scan and the
// volumes are the scsi backend's code (backends/scsi), which the iscsi backend uses.
#include <gtest/gtest.h>

#include "fakes/fake_command_runner.h"
#include "os/linux_file_system.h"
#include "storage/backends/iscsi/iscsi_sysfs.h"
#include "storage/backends/iscsi/iscsi_test_support.h"
#include "storage/backends/scsi/scsi_lun_volumes.h"
#include "storage/backends/scsi/scsi_luns.h"

namespace virtus::storage::iscsi {
namespace {

using scsi::hostLuns;
using scsi::kScsiTypeDisk;
using scsi::kScsiTypeRom;
using scsi::LunHost;
using scsi::lunVolumes;
using scsi::ScsiLun;
using testing::HostTree;
using testing::kTarget;
using testing::testdata;

const std::string kLun1Path =
    "/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-" + std::string(kTarget) + "-lun-1";
const std::string kLun2Path =
    "/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-" + std::string(kTarget) + "-lun-2";

TEST(IscsiSysfsRecorded, FindsTheSessionsHost) {
  HostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  auto host = sessionHost(fs, tree.sys(), "3");
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ(*host, 5u);

  auto missing = sessionHost(fs, tree.sys(), "9");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::SystemError);

  tree.remove("sys/devices/platform/host5/session3/target5:0:0");
  auto noTarget = sessionHost(fs, tree.sys(), "3");
  ASSERT_FALSE(noTarget);
  EXPECT_EQ(noTarget.error().code, ErrorCode::InternalError);
  EXPECT_EQ(noTarget.error().message, "Failed to get host number for iSCSI session with path '" +
                                          tree.sys() + "/class/iscsi_session/session3/device'");
}

TEST(IscsiSysfsRecorded, ListsTheDiskLunsOfTheHost) {
  HostTree tree;
  ASSERT_TRUE(tree.ok());
  // A CD/DVD LUN counts (libvirt lists disks and ROMs); a tape does not; a disk whose block
  // device is not there yet is skipped.
  const std::string target = "devices/platform/host5/session3/target5:0:0";
  tree.lun(target + "/5:0:0:3", "5", "sr0", 1000);
  tree.lun(target + "/5:0:0:4", "1", "st0", 1000);
  tree.lun(target + "/5:0:0:5", "0", "", 0);
  os::LinuxFileSystem fs;
  auto luns = hostLuns(fs, tree.sys(), 5);
  ASSERT_TRUE(luns) << luns.error().message;
  ASSERT_EQ(luns->size(), 3u);
  EXPECT_EQ((*luns)[0].lun, 1u);
  EXPECT_EQ((*luns)[0].blockDevice, "sdb");
  EXPECT_EQ((*luns)[0].bytes(), 1073741824u);
  EXPECT_EQ((*luns)[0].type, kScsiTypeDisk);
  EXPECT_EQ((*luns)[1].lun, 2u);
  EXPECT_EQ((*luns)[1].blockDevice, "sdc");
  EXPECT_EQ((*luns)[1].bytes(), 2147483648u);
  EXPECT_EQ((*luns)[2].lun, 3u);
  EXPECT_EQ((*luns)[2].type, kScsiTypeRom);
  // Host 2's disk is not the session's.
  auto other = hostLuns(fs, tree.sys(), 2);
  ASSERT_TRUE(other);
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].blockDevice, "sda");
}

TEST(IscsiSysfsRecorded, ReadsOldStyleBlockEntries) {
  HostTree tree;
  ASSERT_TRUE(tree.ok());
  const std::string lun = "sys/devices/platform/host5/session3/target5:0:0/5:0:0:1";
  tree.remove(lun + "/block");
  tree.file(lun + "/block:sdb", "");
  tree.file("sys/block/sdb/size", "2048\n");
  os::LinuxFileSystem fs;
  auto luns = hostLuns(fs, tree.sys(), 5);
  ASSERT_TRUE(luns) << luns.error().message;
  ASSERT_EQ(luns->size(), 2u);
  EXPECT_EQ((*luns)[0].blockDevice, "sdb");
  EXPECT_EQ((*luns)[0].bytes(), 2048u * 512);
}

TEST(IscsiSysfsRecorded, UnreadableTypeOrSizeIsAnError) {
  HostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  const std::string lun = "sys/devices/platform/host5/session3/target5:0:0/5:0:0:1";
  tree.remove(lun + "/type");
  auto noType = hostLuns(fs, tree.sys(), 5);
  ASSERT_FALSE(noType);
  EXPECT_EQ(noType.error().message, "Failed to determine if 5:0:0:1 is a Direct-Access LUN");

  tree.file(lun + "/type", "disk\n");
  auto badType = hostLuns(fs, tree.sys(), 5);
  ASSERT_FALSE(badType);
  EXPECT_EQ(badType.error().code, ErrorCode::InternalError);
  EXPECT_EQ(badType.error().message, "Invalid integer value 'disk' in file '" + tree.sys() +
                                         "/bus/scsi/devices/5:0:0:1/type'");

  tree.file(lun + "/type", "0\n");
  tree.file(lun + "/block/sdb/size", "\n");
  auto badSize = hostLuns(fs, tree.sys(), 5);
  ASSERT_FALSE(badSize);
  EXPECT_TRUE(badSize.error().message.starts_with("Invalid integer value ''"));
}

class IscsiVolumesRecorded : public ::testing::Test {
 protected:
  std::vector<ScsiLun> luns() {
    auto l = hostLuns(fs_, tree_.sys(), 5);
    EXPECT_TRUE(l);
    return l ? *l : std::vector<ScsiLun>{};
  }
  LunHost host() { return LunHost{fs_, runner_, tree_.dev()}; }

  HostTree tree_;
  os::LinuxFileSystem fs_;
  virtus::testing::FakeCommandRunner runner_;
};

TEST_F(IscsiVolumesRecorded, StablePathsAndSerialKeys) {
  ASSERT_TRUE(tree_.ok());
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device", kLun1Path)
      .replies(0, testdata("scsi-id-lun1.out"));
  // No answer for LUN 2 (scsi_id exits 1 when the device has no usable page 0x83/0x80): the
  // path is the key.
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device", kLun2Path)
      .replies(1);
  auto vols = lunVolumes(host(), "/dev/disk/by-path", luns());
  ASSERT_TRUE(vols) << vols.error().message;
  ASSERT_EQ(vols->size(), 2u);
  const model::VolDef& v1 = (*vols)[0];
  EXPECT_EQ(v1.name, "unit:0:0:1");
  EXPECT_EQ(v1.type, model::VolType::Block);
  EXPECT_EQ(v1.target.path, kLun1Path);
  EXPECT_EQ(v1.key, "360000000000000000e00000000010001");
  EXPECT_EQ(v1.capacity, 1073741824u);
  EXPECT_EQ(v1.allocation, 1073741824u);
  EXPECT_TRUE(v1.hasCapacity && v1.hasAllocation);
  EXPECT_TRUE(v1.target.perms.mode.has_value());
  const model::VolDef& v2 = (*vols)[1];
  EXPECT_EQ(v2.name, "unit:0:0:2");
  EXPECT_EQ(v2.target.path, kLun2Path);
  EXPECT_EQ(v2.key, kLun2Path);
  EXPECT_EQ(v2.capacity, 2147483648u);
}

TEST_F(IscsiVolumesRecorded, DefaultTargetPathIsByPath) {
  ASSERT_TRUE(tree_.ok());
  runner_.expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
                 kLun1Path);
  runner_.expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
                 kLun2Path);
  auto vols = lunVolumes(host(), "", luns());
  ASSERT_TRUE(vols) << vols.error().message;
  ASSERT_EQ(vols->size(), 2u);
  // scsi_id printed nothing: the key is the path.
  EXPECT_EQ((*vols)[0].key, kLun1Path);
}

TEST_F(IscsiVolumesRecorded, LunWithoutStableLinkIsSkipped) {
  ASSERT_TRUE(tree_.ok());
  tree_.remove("dev/disk/by-path/ip-192.0.2.10:3260-iscsi-" + std::string(kTarget) + "-lun-2");
  // A link to another device is no help either.
  tree_.byPath("ip-192.0.2.10:3260-iscsi-" + std::string(kTarget) + "-lun-2-part1", "sda");
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device", kLun1Path)
      .replies(0, testdata("scsi-id-lun1.out"));
  auto vols = lunVolumes(host(), "/dev/disk/by-path/", luns());
  ASSERT_TRUE(vols) << vols.error().message;
  ASSERT_EQ(vols->size(), 1u);
  EXPECT_EQ((*vols)[0].name, "unit:0:0:1");
}

TEST_F(IscsiVolumesRecorded, TargetPathDevUsesTheNodesThemselves) {
  ASSERT_TRUE(tree_.ok());
  runner_.expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
                 "/dev/sdb");
  runner_.expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
                 "/dev/sdc");
  auto vols = lunVolumes(host(), "/dev", luns());
  ASSERT_TRUE(vols) << vols.error().message;
  ASSERT_EQ(vols->size(), 2u);
  EXPECT_EQ((*vols)[0].target.path, "/dev/sdb");
  EXPECT_EQ((*vols)[1].target.path, "/dev/sdc");
}

TEST_F(IscsiVolumesRecorded, UnstableTargetPathIsRefused) {
  ASSERT_TRUE(tree_.ok());
  auto vols = lunVolumes(host(), "/var/lib/images", luns());
  ASSERT_FALSE(vols);
  EXPECT_EQ(vols.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(vols.error().message, "unable to use target path '/var/lib/images' for dev 'sdb'");
}

TEST_F(IscsiVolumesRecorded, ScsiIdDeadlineIsAnErrorAndAMissingScsiIdIsNot) {
  ASSERT_TRUE(tree_.ok());
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device", kLun1Path)
      .fails(systemError(ErrorDomain::None, ENOENT, "cannot execute binary /lib/udev/scsi_id"));
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device", kLun2Path)
      .fails(makeError(ErrorCode::OperationTimeout, ErrorDomain::None, "too slow"));
  auto vols = lunVolumes(host(), "/dev/disk/by-path", luns());
  ASSERT_FALSE(vols);
  EXPECT_EQ(vols.error().code, ErrorCode::OperationTimeout);
}

}  // namespace
}  // namespace virtus::storage::iscsi
