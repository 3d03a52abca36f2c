#include "locking/lockd/lockd_config.h"

#include <gtest/gtest.h>

namespace virtus::locking {
namespace {

TEST(LockdConfig, DefaultsLockEveryWritableDiskDirectly) {
  auto config = parseLockdConfig("", "qemu-lockd.conf");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->autoDiskLeases);
  EXPECT_FALSE(config->requireLeaseForDisks);
  EXPECT_EQ(config->fileLockspaceDir, "");
}

TEST(LockdConfig, ReadsLibvirtKeysAndIgnoresOthers) {
  auto config = parseLockdConfig(
      "auto_disk_leases = 0\n"
      "file_lockspace_dir = \"/var/lib/virtus/lockd/files\"\n"
      "lvm_lockspace_dir = \"/var/lib/virtus/lockd/lvmvolumes\"\n"
      "scsi_lockspace_dir = \"/var/lib/virtus/lockd/scsivolumes\"\n"
      "some_future_key = 3\n",
      "qemu-lockd.conf");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->autoDiskLeases);
  // Without auto leases a writable disk needs a lease unless the file says otherwise.
  EXPECT_TRUE(config->requireLeaseForDisks);
  EXPECT_EQ(config->fileLockspaceDir, "/var/lib/virtus/lockd/files");
  EXPECT_EQ(config->lvmLockspaceDir, "/var/lib/virtus/lockd/lvmvolumes");
  EXPECT_EQ(config->scsiLockspaceDir, "/var/lib/virtus/lockd/scsivolumes");

  auto relaxed = parseLockdConfig("auto_disk_leases = 0\nrequire_lease_for_disks = 0\n", "f");
  ASSERT_TRUE(relaxed);
  EXPECT_FALSE(relaxed->requireLeaseForDisks);
}

TEST(LockdConfig, FirstOfRepeatedKeysWins) {
  auto config = parseLockdConfig("file_lockspace_dir = \"/a\"\nfile_lockspace_dir = \"/b\"\n", "f");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->fileLockspaceDir, "/a");
}

TEST(LockdConfig, WrongKindsAreSyntaxErrorsNamingTheLine) {
  auto notBool = parseLockdConfig("\nauto_disk_leases = 2\n", "qemu-lockd.conf");
  ASSERT_FALSE(notBool);
  EXPECT_EQ(notBool.error().code, ErrorCode::ConfSyntax);
  EXPECT_EQ(notBool.error().message,
            "qemu-lockd.conf:2: value for 'auto_disk_leases' parameter must be 0 or 1");
  auto notString = parseLockdConfig("file_lockspace_dir = 1\n", "qemu-lockd.conf");
  ASSERT_FALSE(notString);
  EXPECT_EQ(notString.error().message,
            "qemu-lockd.conf:1: expected a string for 'file_lockspace_dir' parameter");
}

}  // namespace
}  // namespace virtus::locking
