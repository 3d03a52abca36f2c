#include "storage/backends/gluster/gluster_location.h"

#include <gtest/gtest.h>

namespace virtus::storage::gluster {
namespace {

model::PoolDef poolDef(const std::string& host, std::optional<int> port, const std::string& volume,
                       const std::string& dir) {
  model::PoolDef def;
  def.type = model::PoolType::Gluster;
  def.name = "gl";
  def.source.hosts.push_back({host, port});
  def.source.name = volume;
  def.source.dir = dir;
  return def;
}

TEST(GlusterLocation, RootOfTheVolume) {
  auto loc = glusterLocationOf(poolDef("example.com", std::nullopt, "vol", ""));
  ASSERT_TRUE(loc) << loc.error().message;
  EXPECT_EQ(loc->dir, "/");
  EXPECT_EQ(glusterVolumeUri(*loc, "a.img"), "gluster://example.com/vol/a.img");
  EXPECT_EQ(glusterVolumeUri(*loc, "dir"), "gluster://example.com/vol/dir");
}

TEST(GlusterLocation, SubdirectoryGetsBothSlashes) {
  auto loc = glusterLocationOf(poolDef("example.com", std::nullopt, "vol", "/images/vm"));
  ASSERT_TRUE(loc) << loc.error().message;
  EXPECT_EQ(loc->dir, "/images/vm/");
  EXPECT_EQ(glusterVolumeUri(*loc, "a.qcow2"), "gluster://example.com/vol/images/vm/a.qcow2");
  auto trailing = glusterLocationOf(poolDef("example.com", std::nullopt, "vol", "/images/"));
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->dir, "/images/");
}

TEST(GlusterLocation, PortAndIpv6Host) {
  auto loc = glusterLocationOf(poolDef("2001:db8::1", 24008, "vol", "/d"));
  ASSERT_TRUE(loc) << loc.error().message;
  EXPECT_EQ(glusterVolumeUri(*loc, "x"), "gluster://[2001:db8::1]:24008/vol/d/x");
  auto v4 = glusterLocationOf(poolDef("127.0.0.1", 24007, "vol", ""));
  ASSERT_TRUE(v4);
  EXPECT_EQ(glusterVolumeUri(*v4, "x"), "gluster://127.0.0.1:24007/vol/x");
}

TEST(GlusterLocation, RejectsBadDefinitions) {
  auto slash = glusterLocationOf(poolDef("h", std::nullopt, "a/b", ""));
  ASSERT_FALSE(slash);
  EXPECT_EQ(slash.error().code, ErrorCode::XmlError);
  EXPECT_EQ(slash.error().message, "gluster pool name 'a/b' must not contain /");

  auto relative = glusterLocationOf(poolDef("h", std::nullopt, "vol", "images"));
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().code, ErrorCode::XmlError);
  EXPECT_EQ(relative.error().message, "gluster pool path 'images' must start with /");

  auto noHost = poolDef("h", std::nullopt, "vol", "");
  noHost.source.hosts.clear();
  auto r = glusterLocationOf(noHost);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
}

TEST(GlusterLocation, PathInVolumeOfUrisAndNames) {
  auto loc = glusterLocationOf(poolDef("h", std::nullopt, "vol", "/d"));
  ASSERT_TRUE(loc);
  EXPECT_EQ(pathInVolumeOf(*loc, "gluster://h/vol/d/a"), "/d/a");
  EXPECT_EQ(pathInVolumeOf(*loc, "gluster://h/vol/other/b"), "/other/b");
  EXPECT_EQ(pathInVolumeOf(*loc, "gluster://h:24007/vol/d/a"), "/d/a");
  EXPECT_EQ(pathInVolumeOf(*loc, "base.raw"), "/d/base.raw");
  EXPECT_EQ(pathInVolumeOf(*loc, "gluster://other/vol/d/a"), std::nullopt);
  EXPECT_EQ(pathInVolumeOf(*loc, "gluster://h/vol2/a"), std::nullopt);
  EXPECT_EQ(pathInVolumeOf(*loc, "/var/lib/images/a"), std::nullopt);
  EXPECT_EQ(pathInVolumeOf(*loc, ""), std::nullopt);
}

}  // namespace
}  // namespace virtus::storage::gluster
