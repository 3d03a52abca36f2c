// Upload to and download from a logical volume, its device node being a file in a temporary
// directory (nothing is ever active without device-mapper here).
#include <gtest/gtest.h>

#include "storage/backends/logical/logical_backend.h"
#include "storage/backends/logical/logical_test_support.h"
#include "support/memory_streams.h"

namespace virtus::storage::logical {
namespace {

using virtus::testing::ChunkSource;
using virtus::testing::StringSink;

class LogicalStreams : public testing::LogicalFixture {};

TEST_F(LogicalStreams, UploadsAndDownloadsTheDevicesBytes) {
  tmp_.write("lv1", std::string(8192, '\0'));
  model::VolDef vol;
  vol.name = "lv1";
  vol.type = model::VolType::Block;
  vol.capacity = 8192;
  vol.target.path = tmp_.file("lv1");
  auto be = backend();
  EXPECT_TRUE(be->features().uploadVol && be->features().downloadVol);

  ChunkSource source("lv bytes");
  auto up = be->uploadVol(pool_, vol, 4096, 0, 0, source, nullptr);
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_EQ(deviceText(vol.target.path).substr(4096, 8), "lv bytes");
  StringSink sink;
  auto down = be->downloadVol(pool_, vol, 4096, 8, 0, sink, nullptr);
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(sink.content, "lv bytes");

  ChunkSource beyond("x");
  auto far = be->uploadVol(pool_, vol, 9000, 0, 0, beyond, nullptr);
  ASSERT_FALSE(far);
  EXPECT_EQ(far.error().code, ErrorCode::InvalidArg);
  EXPECT_TRUE(runner_.commands().empty());
}

}  // namespace
}  // namespace virtus::storage::logical
