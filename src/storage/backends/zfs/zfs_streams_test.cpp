// Upload to and download from a zvol, the device being a file in a temporary directory.
#include <gtest/gtest.h>

#include "driver/stream.h"
#include "storage/backends/zfs/zfs_backend.h"
#include "storage/backends/zfs/zfs_test_support.h"
#include "support/memory_streams.h"
#include "support/temp_dir.h"

namespace virtus::storage::zfs {
namespace {

using virtus::testing::ChunkSource;
using virtus::testing::StringSink;

class ZfsStreamTest : public testing::ZfsBackendTest {};

TEST_F(ZfsStreamTest, UploadsAndDownloadsTheDevicesBytes) {
  fixtures::TempDir dir("virtus-zfs-stream");
  ASSERT_TRUE(dir.ok());
  pool_.def.target.path = dir.path();
  model::VolDef vol;
  vol.name = "v1";
  vol.capacity = 8192;
  ASSERT_TRUE(backend_.createVol(pool_, vol));
  dir.write("v1", std::string(8192, '\0'));

  ChunkSource source("zvol bytes");
  auto up = backend_.uploadVol(pool_, vol, 4096, 0, 0, source, nullptr);
  ASSERT_TRUE(up) << up.error().message;
  StringSink sink;
  auto down = backend_.downloadVol(pool_, vol, 4096, 10, 0, sink, nullptr);
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(sink.content, "zvol bytes");

  ChunkSource beyond("x");
  auto far = backend_.uploadVol(pool_, vol, 9000, 0, 0, beyond, nullptr);
  ASSERT_FALSE(far);
  EXPECT_EQ(far.error().code, ErrorCode::InvalidArg);
  EXPECT_TRUE(commands_.commands().empty());
}

}  // namespace
}  // namespace virtus::storage::zfs
