#include "locking/sanlock/sanlock_config.h"

#include <gtest/gtest.h>

#include "os/linux_file_system.h"
#include "support/temp_dir.h"

namespace virtus::locking::sanlock {
namespace {

const std::string kDefaultDir = "/root/lib/sanlock";

TEST(SanlockConfig, EmptyFileGivesLibvirtDefaults) {
  auto config = parseSanlockConfig("", "qemu-sanlock.conf", kDefaultDir);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->hostId, 0u);
  EXPECT_FALSE(config->autoDiskLeases);
  EXPECT_EQ(config->diskLeaseDir, kDefaultDir);
  EXPECT_TRUE(config->requireLeaseForDisks);
  EXPECT_EQ(config->ioTimeout, 0u);
  EXPECT_FALSE(config->user);
  EXPECT_FALSE(config->group);
}

TEST(SanlockConfig, ReadsEveryKey) {
  auto config = parseSanlockConfig(
      "host_id = 7\nauto_disk_leases = 1\ndisk_lease_dir = \"/shared/leases\"\n"
      "require_lease_for_disks = 1\nio_timeout = 3\nuser = \"sanlock\"\ngroup = \"disk\"\n",
      "qemu-sanlock.conf", kDefaultDir);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->hostId, 7u);
  EXPECT_TRUE(config->autoDiskLeases);
  EXPECT_EQ(config->diskLeaseDir, "/shared/leases");
  EXPECT_TRUE(config->requireLeaseForDisks);
  EXPECT_EQ(config->ioTimeout, 3u);
  EXPECT_EQ(config->user, "sanlock");
  EXPECT_EQ(config->group, "disk");
}

TEST(SanlockConfig, RequireLeaseDefaultsToTheOppositeOfAutoLeases) {
  auto config = parseSanlockConfig("auto_disk_leases = 1\nhost_id = 1\n", "f", kDefaultDir);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->requireLeaseForDisks);
  config = parseSanlockConfig("auto_disk_leases = 0\n", "f", kDefaultDir);
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->requireLeaseForDisks);
  config = parseSanlockConfig("require_lease_for_disks = 0\n", "f", kDefaultDir);
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->requireLeaseForDisks);
}

TEST(SanlockConfig, AutoLeasesWithoutHostIdIsAnError) {
  auto config = parseSanlockConfig("auto_disk_leases = 1\n", "f", kDefaultDir);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::InternalError);
  EXPECT_EQ(config.error().domain, ErrorDomain::Locking);
  EXPECT_EQ(config.error().message, "Automatic disk lease mode enabled, but no host ID is set");
}

TEST(SanlockConfig, UnknownKeysAreIgnored) {
  auto config = parseSanlockConfig("no_such_key = \"x\"\nhost_id = 2\n", "f", kDefaultDir);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->hostId, 2u);
}

TEST(SanlockConfig, WrongKindsAreSyntaxErrors) {
  auto config = parseSanlockConfig("host_id = \"one\"\n", "/etc/qemu-sanlock.conf", kDefaultDir);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::ConfSyntax);
  EXPECT_NE(config.error().message.find("/etc/qemu-sanlock.conf:1"), std::string::npos);
  EXPECT_NE(config.error().message.find("host_id"), std::string::npos);

  EXPECT_FALSE(parseSanlockConfig("auto_disk_leases = 2\n", "f", kDefaultDir));
  EXPECT_FALSE(parseSanlockConfig("io_timeout = -1\n", "f", kDefaultDir));
  EXPECT_FALSE(parseSanlockConfig("disk_lease_dir = 5\n", "f", kDefaultDir));
  EXPECT_FALSE(parseSanlockConfig("host_id = \n", "f", kDefaultDir));
}

TEST(SanlockConfig, RelativeLeaseDirIsRefused) {
  auto config = parseSanlockConfig("disk_lease_dir = \"leases\"\n", "f", kDefaultDir);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_NE(config.error().message.find("'leases'"), std::string::npos);
}

TEST(SanlockConfig, LoadReadsTheFileOrGivesDefaults) {
  fixtures::TempDir dir("sanlock-conf");
  ASSERT_TRUE(dir.ok());
  os::LinuxFileSystem fs;
  auto missing = loadSanlockConfig(fs, dir.file("qemu-sanlock.conf"), kDefaultDir);
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_EQ(missing->hostId, 0u);
  dir.write("qemu-sanlock.conf", "host_id = 4\nauto_disk_leases = 1\n");
  auto loaded = loadSanlockConfig(fs, dir.file("qemu-sanlock.conf"), kDefaultDir);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->hostId, 4u);
  EXPECT_TRUE(loaded->autoDiskLeases);
}

}  // namespace
}  // namespace virtus::locking::sanlock
