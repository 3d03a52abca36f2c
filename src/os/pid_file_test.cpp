#include "os/pid_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

namespace virtus::os {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PidFile, WritesThePidAndCreatesTheDirectory) {
  fixtures::TempDir dir("virtus-pidfile");
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("run/virtusd.pid");
  auto pid = PidFile::acquire(path, 4242, "virtusd", dir.path());
  ASSERT_TRUE(pid) << pid.error().text();
  EXPECT_EQ(readFile(path), "4242\n");
}

TEST(PidFile, SecondHolderIsRefusedWithTheFirstPid) {
  fixtures::TempDir dir("virtus-pidfile");
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("virtusd.pid");
  auto first = PidFile::acquire(path, 1234, "virtusd", "/srv/root");
  ASSERT_TRUE(first) << first.error().text();
  // A second open file description in this same process: OFD locks conflict between
  // descriptions even within one process, as two daemons would.
  auto second = PidFile::acquire(path, 5678, "virtusd", "/srv/root");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(second.error().message, "virtusd is already running for root '/srv/root' (pid 1234)");
  EXPECT_EQ(readFile(path), "1234\n");
}

TEST(PidFile, ReleaseRemovesTheFileAndFreesTheLock) {
  fixtures::TempDir dir("virtus-pidfile");
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("virtusd.pid");
  {
    auto first = PidFile::acquire(path, 1, "virtusd", "r");
    ASSERT_TRUE(first);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  auto again = PidFile::acquire(path, 2, "virtusd", "r");
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(readFile(path), "2\n");
}

TEST(PidFile, StaleFileWithoutLockIsTakenOver) {
  fixtures::TempDir dir("virtus-pidfile");
  ASSERT_TRUE(dir.ok());
  dir.write("virtusd.pid", "999999 and some junk\n");
  auto pid = PidFile::acquire(dir.file("virtusd.pid"), 77, "virtusd", "r");
  ASSERT_TRUE(pid) << pid.error().text();
  EXPECT_EQ(readFile(dir.file("virtusd.pid")), "77\n");
}

TEST(PidFile, MovedHolderKeepsTheLock) {
  fixtures::TempDir dir("virtus-pidfile");
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("virtusd.pid");
  auto first = PidFile::acquire(path, 10, "virtusd", "r");
  ASSERT_TRUE(first);
  PidFile moved = std::move(first).value();
  EXPECT_FALSE(PidFile::acquire(path, 11, "virtusd", "r"));
  EXPECT_EQ(moved.path(), path);
}

TEST(PidFile, UnwritableDirectoryIsASystemError) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root writes anywhere";
  fixtures::TempDir dir("virtus-pidfile");
  ASSERT_TRUE(dir.ok());
  std::filesystem::permissions(
      dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  auto pid = PidFile::acquire(dir.file("virtusd.pid"), 1, "virtusd", "r");
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all);
  ASSERT_FALSE(pid);
  EXPECT_EQ(pid.error().code, ErrorCode::SystemError);
}

}  // namespace
}  // namespace virtus::os
