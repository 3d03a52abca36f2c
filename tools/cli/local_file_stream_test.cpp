#include "cli/local_file_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "os/linux_file_system.h"
#include "support/temp_dir.h"

namespace virtus::cli {
namespace {

class LocalFileStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fixtures::makeTempDir("virtus-cli");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A file of `size` bytes with "DATA" blocks at the given offsets and holes elsewhere.
  os::FilePtr makeSparse(const std::string& name, std::uint64_t size,
                         std::vector<std::uint64_t> dataAt) {
    auto f = fs_.open(dir_ + "/" + name, os::OpenMode::CreateExclusive);
    EXPECT_TRUE(f);
    std::string block(kBlock, 'D');
    for (auto at : dataAt)
      EXPECT_TRUE((*f)->writeAt(at, block));
    EXPECT_TRUE((*f)->truncate(size));
    return std::move(f).value();
  }

  static constexpr std::size_t kBlock = 64 * 1024;
  os::LinuxFileSystem fs_;
  std::string dir_;
};

TEST_F(LocalFileStreamTest, SparseSourceReportsHolesAndData) {
  auto f = makeSparse("src", 4 * 1024 * 1024, {1024 * 1024});
  LocalFileSource source(*f, true);
  std::uint64_t holes = 0, data = 0;
  bool sawHole = false;
  for (;;) {
    auto c = source.next(kBlock);
    ASSERT_TRUE(c);
    if (c->kind == driver::StreamChunk::Kind::End)
      break;
    if (c->kind == driver::StreamChunk::Kind::Hole) {
      sawHole = true;
      holes += c->holeLength;
    } else {
      data += c->data.size();
    }
  }
  EXPECT_TRUE(sawHole);
  EXPECT_EQ(holes + data, 4u * 1024 * 1024);
  EXPECT_GE(data, kBlock);
  EXPECT_LT(data, 4u * 1024 * 1024);  // the filesystem kept holes and we reported them
}

TEST_F(LocalFileStreamTest, DenseSourceReadsZerosForHoles) {
  auto f = makeSparse("src", 256 * 1024, {0});
  LocalFileSource source(*f, false);
  std::string all;
  for (;;) {
    auto c = source.next(100000);
    ASSERT_TRUE(c);
    ASSERT_NE(c->kind, driver::StreamChunk::Kind::Hole);
    if (c->kind == driver::StreamChunk::Kind::End)
      break;
    EXPECT_LE(c->data.size(), 100000u);
    all += c->data;
  }
  ASSERT_EQ(all.size(), 256u * 1024);
  EXPECT_EQ(all.substr(0, kBlock), std::string(kBlock, 'D'));
  EXPECT_EQ(all.substr(kBlock), std::string(256 * 1024 - kBlock, '\0'));
}

TEST_F(LocalFileStreamTest, SinkSkipsHolesAndSetsFinalSize) {
  auto f = fs_.open(dir_ + "/dst", os::OpenMode::CreateExclusive);
  ASSERT_TRUE(f);
  LocalFileSink sink(**f);
  std::string block(kBlock, 'x');
  ASSERT_TRUE(sink.write(block));
  ASSERT_TRUE(sink.hole(8 * 1024 * 1024));
  ASSERT_TRUE(sink.write(block));
  ASSERT_TRUE(sink.hole(1024 * 1024));  // trailing hole: only the size records it
  ASSERT_TRUE(sink.finish());
  auto st = (*f)->stat();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 2 * kBlock + 9u * 1024 * 1024);
  EXPECT_LT(st->allocated, 4u * 1024 * 1024);
  std::string back(kBlock, '\0');
  ASSERT_TRUE((*f)->readAt(kBlock + 8 * 1024 * 1024, back));
  EXPECT_EQ(back, block);
}

TEST_F(LocalFileStreamTest, SinkPunchesHolesOverExistingData) {
  auto f = makeSparse("dst", 2 * kBlock, {0, kBlock});
  LocalFileSink sink(*f);
  ASSERT_TRUE(sink.hole(kBlock));
  ASSERT_TRUE(sink.write(std::string(kBlock, 'y')));
  ASSERT_TRUE(sink.finish());
  std::string first(kBlock, 'D');
  ASSERT_TRUE(f->readAt(0, first));
  EXPECT_EQ(first, std::string(kBlock, '\0'));
}

}  // namespace
}  // namespace virtus::cli
