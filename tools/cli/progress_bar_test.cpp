#include "cli/progress_bar.h"

#include <gtest/gtest.h>

#include <sstream>

namespace virtus::cli {
namespace {

TEST(ProgressLine, Renders) {
  EXPECT_EQ(renderProgressLine("Wiping v", 512, 1024, 10),
            "Wiping v [#####     ]  50% 512.00 B / 1.00 KiB");
  EXPECT_EQ(renderProgressLine("x", 0, 0, 4), "x [    ]   0% 0.00 B / 0.00 B");
  EXPECT_EQ(renderProgressLine("x", 2048, 1024, 4), "x [####] 100% 1.00 KiB / 1.00 KiB");
  EXPECT_EQ(renderProgressLine("x", UINT64_MAX, UINT64_MAX, 2).substr(0, 10), "x [##] 100");
}

TEST(ProgressBar, DisabledDrawsNothingAndGivesNoCallback) {
  std::ostringstream err;
  {
    ProgressBar bar(err, "x", false);
    EXPECT_FALSE(bar.callback());
    bar.update(1, 2);
  }
  EXPECT_EQ(err.str(), "");
}

TEST(ProgressBar, RedrawsOnPercentChangeAndEndsLine) {
  std::ostringstream err;
  {
    ProgressBar bar(err, "x", true);
    auto cb = bar.callback();
    ASSERT_TRUE(cb);
    cb(0, 200);
    cb(1, 200);  // still 0%: no redraw
    cb(200, 200);
  }
  const std::string s = err.str();
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 2);
  EXPECT_EQ(s.back(), '\n');
  EXPECT_NE(s.find("100%"), std::string::npos);
}

}  // namespace
}  // namespace virtus::cli
