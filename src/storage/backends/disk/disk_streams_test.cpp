// Upload to and download from a partition, its node being a file in a temporary directory.
#include <gtest/gtest.h>

#include "storage/backends/disk/disk_backend.h"
#include "storage/backends/disk/disk_backend_test_support.h"
#include "support/memory_streams.h"

namespace virtus::storage::disk {
namespace {

using virtus::testing::ChunkSource;
using virtus::testing::StringSink;
using namespace testing;

TEST_F(DiskBackendTest, StreamsReadAndWriteThePartitionsBytes) {
  node("loop2p1", std::string(8192, '\0'));
  model::VolDef vol;
  vol.name = "loop2p1";
  vol.type = model::VolType::Block;
  vol.capacity = 8192;
  vol.target.path = tmp_.file("dev/loop2p1");
  vol.target.format = "none";
  DiskBackend be = backend();
  EXPECT_TRUE(be.features().uploadVol && be.features().downloadVol);

  ChunkSource source("partition bytes");
  auto up = be.uploadVol(pool_, vol, 512, 0, 0, source, nullptr);
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_EQ(read("loop2p1").substr(512, 15), "partition bytes");
  // A partition stays a partition: no image probe renames its format "raw".
  EXPECT_EQ(vol.target.format, "none");
  StringSink sink;
  auto down = be.downloadVol(pool_, vol, 512, 15, 0, sink, nullptr);
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(sink.content, "partition bytes");
  EXPECT_TRUE(runner_.commands().empty());
}

}  // namespace
}  // namespace virtus::storage::disk
