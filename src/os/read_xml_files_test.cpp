// readXmlFiles: how the pool, secret and domain stores find their saved definitions.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "os/forwarding_file_system.h"
#include "os/linux_file_system.h"
#include "support/temp_dir.h"

namespace virtus::os {
namespace {

TEST(ReadXmlFiles, RegularXmlFilesByNameWithTheirContents) {
  fixtures::TempDir dir("virtus-xmlfiles");
  LinuxFileSystem fs;
  const std::string d = dir.path();
  ASSERT_TRUE(fs.writeFileAtomic(d + "/b.xml", "<b/>"));
  ASSERT_TRUE(fs.writeFileAtomic(d + "/a.xml", "<a/>"));
  ASSERT_TRUE(fs.writeFileAtomic(d + "/notes.txt", "x"));
  ASSERT_TRUE(fs.writeFileAtomic(d + "/.xml", "x"));
  ASSERT_EQ(::mkdir((d + "/sub.xml").c_str(), 0700), 0);
  ASSERT_EQ(::symlink("a.xml", (d + "/c.xml").c_str()), 0);
  ASSERT_EQ(::symlink("missing", (d + "/dangling.xml").c_str()), 0);

  std::vector<Error> problems;
  auto files = readXmlFiles(fs, d, problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].name, "a.xml");
  EXPECT_EQ(files[0].path, d + "/a.xml");
  EXPECT_EQ(files[0].text, "<a/>");
  EXPECT_EQ(files[1].name, "b.xml");
  EXPECT_EQ(files[2].name, "c.xml");
  EXPECT_EQ(files[2].text, "<a/>");
}

TEST(ReadXmlFiles, AMissingDirectoryHasNoFilesAndNoProblem) {
  fixtures::TempDir dir("virtus-xmlfiles");
  LinuxFileSystem fs;
  std::vector<Error> problems;
  EXPECT_TRUE(readXmlFiles(fs, dir.path() + "/absent", problems).empty());
  EXPECT_TRUE(problems.empty());
}

// A file system on which reading one path fails (as an unreadable file does for a user).
class FailingRead : public ForwardingFileSystem {
 public:
  FailingRead(FileSystem& inner, std::string path)
      : ForwardingFileSystem(inner), path_(std::move(path)) {}
  Result<std::string> readFile(const std::string& path) override {
    if (path == path_)
      return systemError(ErrorDomain::None, EACCES, "cannot read '" + path + "'");
    return ForwardingFileSystem::readFile(path);
  }

 private:
  std::string path_;
};

TEST(ReadXmlFiles, AnUnreadableFileIsAProblemAndTheOthersAreRead) {
  fixtures::TempDir dir("virtus-xmlfiles");
  LinuxFileSystem real;
  const std::string d = dir.path();
  ASSERT_TRUE(real.writeFileAtomic(d + "/a.xml", "<a/>"));
  ASSERT_TRUE(real.writeFileAtomic(d + "/b.xml", "<b/>"));
  FailingRead fs(real, d + "/a.xml");
  std::vector<Error> problems;
  auto files = readXmlFiles(fs, d, problems);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].name, "b.xml");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "cannot read '" + d + "/a.xml': Permission denied");
}

}  // namespace
}  // namespace virtus::os
