#include "locking/lockd/lockd_resources.h"

#include <gtest/gtest.h>

namespace virtus::locking {
namespace {

LockResource disk(const std::string& path, bool shared = false, bool readOnly = false) {
  LockResource r;
  r.name = path;
  r.shared = shared;
  r.readOnly = readOnly;
  return r;
}

TEST(LockdResources, DirectModeLocksTheDiskItself) {
  auto spec = lockdResourceFor(LockdConfig{}, disk("/images/a.img"), {});
  ASSERT_TRUE(spec && *spec);
  EXPECT_EQ((*spec)->lockspace, "");
  EXPECT_EQ((*spec)->name, "/images/a.img");
  EXPECT_EQ((*spec)->display, "/images/a.img");
  EXPECT_FALSE((*spec)->autocreate);
  EXPECT_FALSE((*spec)->shared);
}

TEST(LockdResources, IndirectModeNamesTheLockFileBySha256OfThePath) {
  LockdConfig config;
  config.fileLockspaceDir = "/var/lib/virtus/lockd/files";
  auto spec = lockdResourceFor(config, disk("/images/a.img", true), {});
  ASSERT_TRUE(spec && *spec);
  EXPECT_EQ((*spec)->lockspace, "/var/lib/virtus/lockd/files");
  // printf %s /images/a.img | sha256sum
  EXPECT_EQ((*spec)->name, "d89de9b0ec65e0fcac462a24e34ba3262780fafe332f99532a1639badf2496d1");
  EXPECT_TRUE((*spec)->autocreate);
  EXPECT_TRUE((*spec)->shared);
}

TEST(LockdResources, ReadOnlyDisksTakeNoLock) {
  auto spec = lockdResourceFor(LockdConfig{}, disk("/images/ro.iso", false, true), {});
  ASSERT_TRUE(spec);
  EXPECT_FALSE(*spec);
}

TEST(LockdResources, WithoutAutoLeasesDisksTakeNoLock) {
  LockdConfig config;
  config.autoDiskLeases = false;
  auto spec = lockdResourceFor(config, disk("/images/a.img"), {});
  ASSERT_TRUE(spec);
  EXPECT_FALSE(*spec);
}

TEST(LockdResources, BlockDevicesUseLvmUuidThenScsiWwnThenTheFileLockspace) {
  LockdConfig config;
  config.fileLockspaceDir = "/l/files";
  config.lvmLockspaceDir = "/l/lvm";
  config.scsiLockspaceDir = "/l/scsi";
  BlockDeviceKeys keys;
  keys.lvmUuid = [](const std::string& path) -> std::optional<std::string> {
    if (path == "/dev/vg0/lv1")
      return "06UgP5-2rhb-w3Bo-3mdR-WeoL-pytO-SAa2ky";
    return std::nullopt;
  };
  keys.scsiWwn = [](const std::string& path) -> std::optional<std::string> {
    if (path == "/dev/sdb")
      return "36005076802810e5540000000000006e4";
    return std::nullopt;
  };
  auto lv = lockdResourceFor(config, disk("/dev/vg0/lv1"), keys);
  ASSERT_TRUE(lv && *lv);
  EXPECT_EQ((*lv)->lockspace, "/l/lvm");
  EXPECT_EQ((*lv)->name, "06UgP5-2rhb-w3Bo-3mdR-WeoL-pytO-SAa2ky");
  auto lun = lockdResourceFor(config, disk("/dev/sdb"), keys);
  ASSERT_TRUE(lun && *lun);
  EXPECT_EQ((*lun)->lockspace, "/l/scsi");
  EXPECT_EQ((*lun)->name, "36005076802810e5540000000000006e4");
  auto loop = lockdResourceFor(config, disk("/dev/loop3"), keys);
  ASSERT_TRUE(loop && *loop);
  EXPECT_EQ((*loop)->lockspace, "/l/files");
  // A file outside /dev never asks for device keys.
  auto file = lockdResourceFor(config, disk("/srv/vg0"), keys);
  ASSERT_TRUE(file && *file);
  EXPECT_EQ((*file)->lockspace, "/l/files");
}

TEST(LockdResources, LeasesAreFilesUnderTargetAndLockspace) {
  LockResource lease;
  lease.type = LockResourceType::Lease;
  lease.name = "somekey";
  lease.lockspace = "somearea";
  lease.path = "/var/lib/virtus/leases";
  auto spec = lockdResourceFor(LockdConfig{}, lease, {});
  ASSERT_TRUE(spec && *spec);
  EXPECT_EQ((*spec)->lockspace, "/var/lib/virtus/leases/somearea");
  EXPECT_EQ((*spec)->name, "somekey");
  lease.offset = 1024;
  auto bad = lockdResourceFor(LockdConfig{}, lease, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "Offset must be zero for this lock manager (lease 'somekey' has offset 1024).");
}

TEST(LockdResources, LvsAndScsiIdCommandsAndTheirRecordedOutput) {
  EXPECT_EQ(lvmUuidCommand("/dev/vg0/lv1").toString(),
            "lvs --noheadings --unbuffered --nosuffix --options uuid /dev/vg0/lv1");
  EXPECT_EQ(parseLvmUuid("  06UgP5-2rhb-w3Bo-3mdR-WeoL-pytO-SAa2ky\n"),
            "06UgP5-2rhb-w3Bo-3mdR-WeoL-pytO-SAa2ky");
  EXPECT_EQ(parseLvmUuid("\n"), std::nullopt);
  EXPECT_EQ(scsiWwnCommand("/dev/sdb").toString(),
            "/lib/udev/scsi_id --replace-whitespace --whitelisted --device /dev/sdb");
  EXPECT_EQ(parseScsiWwn("36005076802810e5540000000000006e4\n"),
            "36005076802810e5540000000000006e4");
}

}  // namespace
}  // namespace virtus::locking
