#include "daemon/daemon_config.h"

#include <gtest/gtest.h>

#include "os/linux_file_system.h"
#include "support/temp_dir.h"

namespace virtus::daemon {
namespace {

std::string configError(std::string_view text) {
  auto config = parseDaemonConfig(text, "virtusd.conf");
  EXPECT_FALSE(config);
  return config ? "" : config.error().message;
}

TEST(DaemonConfig, DefaultsMatchTheDocumentedOnes) {
  DaemonConfig c;
  EXPECT_EQ(c.unixSockGroup, "");
  EXPECT_EQ(c.unixSockRoPerms, 0666u);
  EXPECT_EQ(c.unixSockRwPerms, 0600u);
  EXPECT_EQ(c.maxClients, 5000u);
  EXPECT_EQ(c.maxWorkers, 4u);
  EXPECT_EQ(c.keepaliveInterval, 5);
  EXPECT_EQ(c.keepaliveCount, 5u);
  EXPECT_FALSE(c.listenLibvirtPaths);
  EXPECT_EQ(c.logLevel, 3u);
  EXPECT_EQ(c.logOutputs, "");
  EXPECT_EQ(c.storageTimeout, 30u);
}

TEST(DaemonConfig, ReadsEveryKey) {
  auto config = parseDaemonConfig(
      "unix_sock_group = \"libvirt\"\n"
      "unix_sock_ro_perms = \"0777\"\n"
      "unix_sock_rw_perms = \"0770\"\n"
      "max_clients = 10\n"
      "max_workers = 8\n"
      "keepalive_interval = -1\n"
      "keepalive_count = 0\n"
      "listen_libvirt_paths = 1\n"
      "log_level = 1\n"
      "log_outputs = \"3:syslog:virtusd 1:file:/tmp/x.log\"\n"
      "storage_timeout = 5\n",
      "virtusd.conf");
  ASSERT_TRUE(config) << config.error().text();
  EXPECT_EQ(config->unixSockGroup, "libvirt");
  EXPECT_EQ(config->unixSockRoPerms, 0777u);
  EXPECT_EQ(config->unixSockRwPerms, 0770u);
  EXPECT_EQ(config->maxClients, 10u);
  EXPECT_EQ(config->maxWorkers, 8u);
  EXPECT_EQ(config->keepaliveInterval, -1);
  EXPECT_EQ(config->keepaliveCount, 0u);
  EXPECT_TRUE(config->listenLibvirtPaths);
  EXPECT_EQ(config->logLevel, 1u);
  EXPECT_EQ(config->logOutputs, "3:syslog:virtusd 1:file:/tmp/x.log");
  EXPECT_EQ(config->storageTimeout, 5u);
}

TEST(DaemonConfig, UnknownKeyIsAnErrorNamingKeyAndLine) {
  auto config = parseDaemonConfig("max_clients = 3\n\nlisten_tcp = 1\n", "/x/virtusd.conf");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::ConfSyntax);
  EXPECT_EQ(config.error().message, "/x/virtusd.conf:3: unknown setting 'listen_tcp'");
}

TEST(DaemonConfig, SyntaxErrorsPassThroughWithTheirLine) {
  EXPECT_EQ(configError("max_clients = 3\nmax_workers =\n"), "virtusd.conf:2: expecting a value");
}

TEST(DaemonConfig, RefusesValuesOfTheWrongKind) {
  EXPECT_EQ(configError("max_clients = \"10\"\n"),
            "virtusd.conf:1: expected an unsigned integer for 'max_clients' parameter");
  EXPECT_EQ(configError("max_workers = -2\n"),
            "virtusd.conf:1: expected an unsigned integer for 'max_workers' parameter");
  EXPECT_EQ(configError("\nunix_sock_group = 5\n"),
            "virtusd.conf:2: expected a string for 'unix_sock_group' parameter");
  EXPECT_EQ(configError("log_outputs = [ \"a\" ]\n"),
            "virtusd.conf:1: expected a string for 'log_outputs' parameter");
  EXPECT_EQ(configError("listen_libvirt_paths = \"yes\"\n"),
            "virtusd.conf:1: expected a bool for 'listen_libvirt_paths' parameter");
  EXPECT_EQ(configError("keepalive_interval = \"5\"\n"),
            "virtusd.conf:1: expected a signed integer for 'keepalive_interval' parameter");
}

TEST(DaemonConfig, RefusesValuesOutOfRange) {
  EXPECT_EQ(configError("listen_libvirt_paths = 2\n"),
            "virtusd.conf:1: value for 'listen_libvirt_paths' parameter must be 0 or 1");
  EXPECT_EQ(configError("log_level = 5\n"),
            "virtusd.conf:1: value for 'log_level' parameter must be in range 1:4");
  EXPECT_EQ(configError("max_workers = 0\n"),
            "virtusd.conf:1: value for 'max_workers' parameter must be in range 1:4294967295");
  EXPECT_EQ(configError("max_clients = 4294967296\n"),
            "virtusd.conf:1: value for 'max_clients' parameter must be in range 1:4294967295");
  EXPECT_EQ(configError("storage_timeout = 0\n"),
            "virtusd.conf:1: value for 'storage_timeout' parameter must be in range 1:3600");
  EXPECT_EQ(configError("keepalive_interval = 0\n"),
            "virtusd.conf:1: value for 'keepalive_interval' parameter must be positive or -1");
}

TEST(DaemonConfig, ModesAreOctalStrings) {
  EXPECT_EQ(configError("unix_sock_rw_perms = 0770\n"),
            "virtusd.conf:1: expected a string for 'unix_sock_rw_perms' parameter");
  EXPECT_EQ(configError("unix_sock_rw_perms = \"0778\"\n"),
            "virtusd.conf:1: invalid mode '0778' for 'unix_sock_rw_perms' parameter");
  EXPECT_EQ(configError("unix_sock_ro_perms = \"\"\n"),
            "virtusd.conf:1: invalid mode '' for 'unix_sock_ro_perms' parameter");
  auto config = parseDaemonConfig("unix_sock_rw_perms = \"660\"\n", "c");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->unixSockRwPerms, 0660u);
}

TEST(DaemonConfig, FirstOfRepeatedKeysWinsAsInLibvirt) {
  auto config = parseDaemonConfig("max_workers = 2\nmax_workers = 9\n", "c");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->maxWorkers, 2u);
}

TEST(DaemonConfig, MissingDefaultFileGivesDefaultsButMissingNamedFileFails) {
  fixtures::TempDir dir("virtus-daemon-config");
  ASSERT_TRUE(dir.ok());
  os::LinuxFileSystem fs;
  auto defaults = loadDaemonConfig(fs, dir.file("virtusd.conf"), false);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(*defaults, DaemonConfig{});
  auto named = loadDaemonConfig(fs, dir.file("virtusd.conf"), true);
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find(dir.file("virtusd.conf")), std::string::npos);
}

TEST(DaemonConfig, LoadsFileAndNamesItInErrors) {
  fixtures::TempDir dir("virtus-daemon-config");
  ASSERT_TRUE(dir.ok());
  os::LinuxFileSystem fs;
  dir.write("good.conf", "max_workers = 7\n");
  dir.write("bad.conf", "# header\nbogus = 1\n");
  auto good = loadDaemonConfig(fs, dir.file("good.conf"), true);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->maxWorkers, 7u);
  auto bad = loadDaemonConfig(fs, dir.file("bad.conf"), false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, dir.file("bad.conf") + ":2: unknown setting 'bogus'");
}

TEST(DaemonConfig, ReportsWhichChangesNeedARestart) {
  DaemonConfig before;
  DaemonConfig after;
  after.logLevel = 1;
  after.logOutputs = "1:stderr";
  EXPECT_TRUE(settingsNeedingRestart(before, after).empty());
  after.maxWorkers = 9;
  after.keepaliveInterval = 30;
  after.storageTimeout = 2;
  EXPECT_EQ(settingsNeedingRestart(before, after),
            (std::vector<std::string>{"max_workers", "keepalive_interval", "storage_timeout"}));
}

}  // namespace
}  // namespace virtus::daemon
