#include "common/path_util.h"

#include <gtest/gtest.h>

namespace virtus {
namespace {

TEST(PathUtil, JoinPath) {
  EXPECT_EQ(joinPath("/a", "b"), "/a/b");
  EXPECT_EQ(joinPath("/", "b"), "/b");
  EXPECT_EQ(joinPath("a", "b.img"), "a/b.img");
}

TEST(PathUtil, ParentDirectory) {
  EXPECT_EQ(parentDirectory("/a/b"), "/a");
  EXPECT_EQ(parentDirectory("/a"), "/");
  EXPECT_EQ(parentDirectory("a"), ".");
  EXPECT_EQ(parentDirectory("a/b/c.qcow2"), "a/b");
}

}  // namespace
}  // namespace virtus
