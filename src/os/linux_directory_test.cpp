// FileSystem::openDirectory: the descriptor-relative Linux directory and the path-based
// default (seen through a forwarding decorator) must behave the same.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "os/forwarding_file_system.h"
#include "os/linux_file_system.h"
#include "support/temp_dir.h"

namespace virtus::os {
namespace {

class DirectoryTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = fixtures::makeTempDir("virtus-dir");
    ASSERT_FALSE(dir_.empty());
    ASSERT_TRUE(linux_.writeFileAtomic(dir_ + "/file", "0123456789", 0640));
    ASSERT_EQ(::mkdir((dir_ + "/sub").c_str(), 0700), 0);
    ASSERT_EQ(::symlink("file", (dir_ + "/link").c_str()), 0);
    ASSERT_EQ(::symlink("missing", (dir_ + "/dangling").c_str()), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The Linux implementation, or the default one reached through the decorator.
  FileSystem& fs() { return GetParam() ? static_cast<FileSystem&>(linux_) : forwarding_; }

  LinuxFileSystem linux_;
  ForwardingFileSystem forwarding_{linux_};
  std::string dir_;
};

TEST_P(DirectoryTest, ListsStatsAndOpensByName) {
  auto dir = fs().openDirectory(dir_);
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ((*dir)->path(), dir_);
  auto names = (*dir)->list();
  ASSERT_TRUE(names);
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"dangling", "file", "link", "sub"}));
  // Listing twice gives the same entries (no shared offset left at the end).
  auto again = (*dir)->list();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), 4u);

  auto st = (*dir)->statAt("link");
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->isRegular);
  EXPECT_EQ(st->size, 10u);
  EXPECT_EQ(st->mode, 0640u);
  auto lst = (*dir)->lstatAt("link");
  ASSERT_TRUE(lst);
  EXPECT_TRUE(lst->isSymlink);
  auto sub = (*dir)->statAt("sub");
  ASSERT_TRUE(sub);
  EXPECT_TRUE(sub->isDirectory);

  auto file = (*dir)->openAt("link");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ((*file)->path(), dir_ + "/link");
  std::string buf(4, '\0');
  auto n = (*file)->readAt(3, buf);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(buf, "3456");
  auto fst = (*file)->stat();
  ASSERT_TRUE(fst);
  EXPECT_EQ(fst->inode, st->inode);
}

TEST_P(DirectoryTest, ErrorsNameTheFullPath) {
  auto dir = fs().openDirectory(dir_);
  ASSERT_TRUE(dir);
  auto dangling = (*dir)->statAt("dangling");
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, ErrorCode::SystemError);
  EXPECT_EQ(dangling.error().message,
            "cannot stat file '" + dir_ + "/dangling': No such file or directory");
  auto opened = (*dir)->openAt("dangling");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().message,
            "cannot open file '" + dir_ + "/dangling': No such file or directory");
  EXPECT_TRUE((*dir)->lstatAt("dangling"));
}

TEST_P(DirectoryTest, OpeningAMissingDirectoryOrAFileFails) {
  auto missing = fs().openDirectory(dir_ + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::SystemError);
  EXPECT_EQ(missing.error().message,
            "cannot open directory '" + dir_ + "/nope': No such file or directory");
  auto file = fs().openDirectory(dir_ + "/file");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message, "cannot open directory '" + dir_ + "/file': Not a directory");
}

INSTANTIATE_TEST_SUITE_P(LinuxAndDefault, DirectoryTest, ::testing::Bool(),
                         [](const auto& param) { return param.param ? "Linux" : "PathBased"; });

}  // namespace
}  // namespace virtus::os
