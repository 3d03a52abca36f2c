#include "hypervisor/qemu/qmp_line_buffer.h"

#include <gtest/gtest.h>

namespace virtus::qemu {
namespace {

TEST(QmpLineBuffer, CutsCrlfAndLfLines) {
  QmpLineBuffer lines;
  lines.feed("{\"a\": 1}\r\n{\"b\": 2}\n\r\n");
  EXPECT_EQ(lines.next(), "{\"a\": 1}");
  EXPECT_EQ(lines.next(), "{\"b\": 2}");
  EXPECT_EQ(lines.next(), "");
  EXPECT_EQ(lines.next(), std::nullopt);
}

TEST(QmpLineBuffer, JoinsALineSplitAcrossFeeds) {
  QmpLineBuffer lines;
  lines.feed("{\"ret");
  EXPECT_EQ(lines.next(), std::nullopt);
  lines.feed("urn\": {}}\r");
  EXPECT_EQ(lines.next(), std::nullopt);
  lines.feed("\n{\"event\"");
  EXPECT_EQ(lines.next(), "{\"return\": {}}");
  EXPECT_EQ(lines.next(), std::nullopt);
  lines.feed(": \"STOP\"}\r\n");
  EXPECT_EQ(lines.next(), "{\"event\": \"STOP\"}");
}

TEST(QmpLineBuffer, ReportsAnOverlongUnfinishedLine) {
  QmpLineBuffer lines(8);
  lines.feed("12345678");
  EXPECT_FALSE(lines.overflowed());
  lines.feed("9");
  EXPECT_EQ(lines.next(), std::nullopt);
  EXPECT_TRUE(lines.overflowed());
}

TEST(QmpLineBuffer, ConsumedLinesDoNotCountTowardsTheLimit) {
  QmpLineBuffer lines(8);
  lines.feed("1234567\n1234");
  EXPECT_EQ(lines.next(), "1234567");
  EXPECT_FALSE(lines.overflowed());
  EXPECT_EQ(lines.next(), std::nullopt);
  EXPECT_FALSE(lines.overflowed());
}

}  // namespace
}  // namespace virtus::qemu
