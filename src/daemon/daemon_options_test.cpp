#include "daemon/daemon_options.h"

#include <gtest/gtest.h>

namespace virtus::daemon {
namespace {

TEST(DaemonOptions, DefaultsToForegroundWithNoPaths) {
  auto parsed = parseDaemonOptions({});
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->exitText);
  EXPECT_FALSE(parsed->options.root);
  EXPECT_FALSE(parsed->options.configPath);
  EXPECT_FALSE(parsed->options.pidFile);
  EXPECT_FALSE(parsed->options.daemon);
  EXPECT_FALSE(parsed->options.listenLibvirtPaths);
}

TEST(DaemonOptions, ReadsEveryOption) {
  auto parsed = parseDaemonOptions({"--root", "/srv/v", "--config=/c/virtusd.conf", "--pid-file",
                                    "/p.pid", "--daemon", "--listen-libvirt-paths"});
  ASSERT_TRUE(parsed) << parsed.error().text();
  const auto& o = parsed->options;
  EXPECT_EQ(o.root, "/srv/v");
  EXPECT_EQ(o.configPath, "/c/virtusd.conf");
  EXPECT_EQ(o.pidFile, "/p.pid");
  EXPECT_TRUE(o.daemon);
  EXPECT_TRUE(o.listenLibvirtPaths);
}

TEST(DaemonOptions, ShortDaemonFlag) {
  auto parsed = parseDaemonOptions({"-d"});
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->options.daemon);
}

TEST(DaemonOptions, HelpAndVersionAskToExit) {
  auto help = parseDaemonOptions({"--help"});
  ASSERT_TRUE(help);
  ASSERT_TRUE(help->exitText);
  EXPECT_NE(help->exitText->find("--listen-libvirt-paths"), std::string::npos);
  EXPECT_NE(help->exitText->find("--pid-file"), std::string::npos);
  auto version = parseDaemonOptions({"--version"});
  ASSERT_TRUE(version);
  ASSERT_TRUE(version->exitText);
  EXPECT_EQ(version->exitText->rfind("virtusd ", 0), 0u);
}

TEST(DaemonOptions, RefusesUnknownOptionsAndMissingValues) {
  auto unknown = parseDaemonOptions({"--listen-tcp"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::InvalidArg);
  EXPECT_NE(unknown.error().message.find("--listen-tcp"), std::string::npos);
  auto missing = parseDaemonOptions({"--root"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("--root"), std::string::npos);
  auto empty = parseDaemonOptions({"--root", ""});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "--root needs a directory");
  auto positional = parseDaemonOptions({"extra"});
  ASSERT_FALSE(positional);
}

}  // namespace
}  // namespace virtus::daemon
