#include "os/linux_file_system.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace virtus::os {
namespace {

class LinuxFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fixtures::makeTempDir("virtus-fs");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  LinuxFileSystem fs_;
  std::string dir_;
};

TEST_F(LinuxFileSystemTest, CreateWriteReadStat) {
  auto file = fs_.open(path("a"), OpenMode::CreateExclusive, 0640);
  ASSERT_TRUE(file) << file.error().message;
  std::string data = "hello world";
  ASSERT_TRUE((*file)->writeAt(4, data));
  std::string back(32, '\0');
  auto n = (*file)->readAt(0, back);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 15u);
  EXPECT_EQ(back.substr(4, 11), data);
  EXPECT_EQ(back.substr(0, 4), std::string(4, '\0'));
  auto st = fs_.stat(path("a"));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 15u);
  EXPECT_EQ(st->mode, 0640u);  // not narrowed by the umask
  EXPECT_TRUE(st->isRegular);
  EXPECT_FALSE(st->isDirectory);
  EXPECT_GT(st->mtime.sec, 0);
}

TEST_F(LinuxFileSystemTest, CreateExclusiveFailsWhenPresentWithLibvirtWording) {
  ASSERT_TRUE(fs_.writeFileAtomic(path("a"), "x"));
  auto file = fs_.open(path("a"), OpenMode::CreateExclusive);
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::SystemError);
  EXPECT_EQ(file.error().message, "Failed to create file '" + path("a") + "': File exists");
  auto missing = fs_.open(path("nope"), OpenMode::Read);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "cannot open file '" + path("nope") + "': No such file or directory");
}

TEST_F(LinuxFileSystemTest, SparseSeekAndPunch) {
  auto file = fs_.open(path("s"), OpenMode::CreateExclusive);
  ASSERT_TRUE(file);
  constexpr std::uint64_t kMiB = 1 << 20;
  ASSERT_TRUE((*file)->truncate(8 * kMiB));
  std::string block(kMiB, 'x');
  ASSERT_TRUE((*file)->writeAt(4 * kMiB, block));
  auto data = (*file)->nextData(0);
  ASSERT_TRUE(data);
  ASSERT_TRUE(data->has_value());
  EXPECT_EQ(**data, 4 * kMiB);
  auto hole = (*file)->nextHole(4 * kMiB);
  ASSERT_TRUE(hole);
  EXPECT_EQ(*hole, 5 * kMiB);
  auto none = (*file)->nextData(5 * kMiB);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto end = (*file)->nextHole(5 * kMiB);
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, 5 * kMiB);

  auto before = (*file)->stat();
  ASSERT_TRUE(before);
  EXPECT_GE(before->allocated, kMiB);
  auto punched = (*file)->punchHole(4 * kMiB, kMiB);
  if (!punched && punched.error().code == ErrorCode::OperationUnsupported) {
    GTEST_SKIP() << "no hole punching on this filesystem";
  }
  ASSERT_TRUE(punched) << punched.error().message;
  auto after = (*file)->stat();
  ASSERT_TRUE(after);
  EXPECT_LT(after->allocated, kMiB);
  EXPECT_EQ(after->size, 8 * kMiB);
}

TEST_F(LinuxFileSystemTest, AllocateReservesBlocks) {
  auto file = fs_.open(path("p"), OpenMode::CreateExclusive);
  ASSERT_TRUE(file);
  auto r = (*file)->allocate(0, 1 << 20);
  if (!r && r.error().code == ErrorCode::OperationUnsupported)
    GTEST_SKIP();
  ASSERT_TRUE(r) << r.error().message;
  auto st = (*file)->stat();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 1u << 20);
  EXPECT_GE(st->allocated, 1u << 20);
}

TEST_F(LinuxFileSystemTest, CloneFromCopiesOrReportsUnsupported) {
  auto src = fs_.open(path("src"), OpenMode::CreateExclusive);
  ASSERT_TRUE(src);
  ASSERT_TRUE((*src)->writeAt(0, std::string(65536, 'c')));
  auto dst = fs_.open(path("dst"), OpenMode::CreateExclusive);
  ASSERT_TRUE(dst);
  auto cloned = (*dst)->cloneFrom(**src);
  ASSERT_TRUE(cloned) << cloned.error().message;
  if (*cloned) {
    auto content = fs_.readFile(path("dst"));
    ASSERT_TRUE(content);
    EXPECT_EQ(*content, std::string(65536, 'c'));
  } else {
    auto st = (*dst)->stat();
    ASSERT_TRUE(st);
    EXPECT_EQ(st->size, 0u);
  }
}

TEST_F(LinuxFileSystemTest, DirectoriesAndListing) {
  ASSERT_TRUE(fs_.makeDirectories(path("x/y/z"), 0711));
  auto st = fs_.stat(path("x/y/z"));
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->isDirectory);
  ASSERT_TRUE(fs_.writeFileAtomic(path("x/f1"), "1"));
  ASSERT_TRUE(fs_.writeFileAtomic(path("x/.hidden"), "2"));
  auto names = fs_.listDirectory(path("x"));
  ASSERT_TRUE(names);
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{".hidden", "f1", "y"}));
  auto notEmpty = fs_.removeDirectory(path("x/y"));
  ASSERT_FALSE(notEmpty);
  EXPECT_EQ(notEmpty.error().message,
            "cannot remove directory '" + path("x/y") + "': Directory not empty");
  ASSERT_TRUE(fs_.removeDirectory(path("x/y/z")));
  EXPECT_FALSE(fs_.exists(path("x/y/z")));
  auto missing = fs_.listDirectory(path("nope"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "cannot open directory '" + path("nope") + "': No such file or directory");
}

TEST_F(LinuxFileSystemTest, WriteFileAtomicReplacesAndLeavesNoTemp) {
  ASSERT_TRUE(fs_.writeFileAtomic(path("conf.xml"), "old", 0644));
  ASSERT_TRUE(fs_.writeFileAtomic(path("conf.xml"), "new content", 0600));
  auto content = fs_.readFile(path("conf.xml"));
  ASSERT_TRUE(content);
  EXPECT_EQ(*content, "new content");
  auto st = fs_.stat(path("conf.xml"));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->mode, 0600u);
  auto names = fs_.listDirectory(dir_);
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, std::vector<std::string>{"conf.xml"});
  auto bad = fs_.writeFileAtomic(path("missing/conf.xml"), "x");
  EXPECT_FALSE(bad);
}

TEST_F(LinuxFileSystemTest, SymlinkLstatChmodStatfs) {
  ASSERT_TRUE(fs_.writeFileAtomic(path("t"), "abc"));
  ASSERT_TRUE(fs_.symlink(path("t"), path("l")));
  auto l = fs_.lstat(path("l"));
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->isSymlink);
  auto s = fs_.stat(path("l"));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->isRegular);
  EXPECT_EQ(s->size, 3u);
  ASSERT_TRUE(fs_.chmod(path("t"), 0604));
  EXPECT_EQ(fs_.stat(path("t"))->mode, 0604u);
  ASSERT_TRUE(fs_.chown(path("t"), std::nullopt, std::nullopt));
  ASSERT_TRUE(fs_.rename(path("t"), path("u")));
  EXPECT_TRUE(fs_.exists(path("u")));
  ASSERT_TRUE(fs_.removeFile(path("u")));
  EXPECT_FALSE(fs_.exists(path("u")));
  auto sf = fs_.statfs(dir_);
  ASSERT_TRUE(sf);
  EXPECT_GT(sf->capacity, 0u);
  EXPECT_GE(sf->free, sf->available);
  EXPECT_GE(sf->capacity, sf->free);
}

}  // namespace
}  // namespace virtus::os
