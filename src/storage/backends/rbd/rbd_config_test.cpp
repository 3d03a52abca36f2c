#include "storage/backends/rbd/rbd_config.h"

#include <gtest/gtest.h>

namespace virtus::storage::rbd {
namespace {

using namespace std::chrono_literals;

model::PoolDef rbdPool() {
  model::PoolDef def;
  def.type = model::PoolType::Rbd;
  def.name = "ceph";
  def.source.name = "rbd";
  def.source.hosts = {{"mon1.example.org", 6789}, {"10.0.0.2", std::nullopt}, {"::1", 3300}};
  return def;
}

std::string option(const RadosConfig& c, const std::string& name) {
  for (const auto& [n, v] : c.options)
    if (n == name)
      return v;
  return "<absent>";
}

TEST(RbdConfig, MonitorsWithPortsAndIpv6) {
  auto mon = monHostOf(rbdPool());
  ASSERT_TRUE(mon);
  EXPECT_EQ(*mon, "mon1.example.org:6789,10.0.0.2,[::1]:3300");
}

TEST(RbdConfig, Ipv6WithoutPortStaysBare) {
  auto def = rbdPool();
  def.source.hosts = {{"fe80::1", std::nullopt}, {"2001:db8::5", 6789}};
  auto mon = monHostOf(def);
  ASSERT_TRUE(mon);
  EXPECT_EQ(*mon, "fe80::1,[2001:db8::5]:6789");
}

TEST(RbdConfig, NoMonitorIsAnError) {
  auto def = rbdPool();
  def.source.hosts.clear();
  auto config = radosConfig(def, std::nullopt, 30s);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_NE(config.error().message.find("'ceph'"), std::string::npos);
}

TEST(RbdConfig, CephxAuthSetsKeyAndUserButDescribeRedactsIt) {
  auto def = rbdPool();
  def.source.auth = model::StorageAuth{"ceph", "libvirt", {}};
  auto config = radosConfig(def, std::string("QVFBc2VjcmV0a2V5"), 30s);
  ASSERT_TRUE(config);
  ASSERT_TRUE(config->user);
  EXPECT_EQ(*config->user, "libvirt");
  EXPECT_EQ(config->userName(), "client.libvirt");
  EXPECT_EQ(config->options[0], (std::pair<std::string, std::string>("key", "QVFBc2VjcmV0a2V5")));
  EXPECT_EQ(option(*config, "auth_supported"), "cephx");
  const std::string text = config->describe();
  EXPECT_EQ(text.find("QVFBc2VjcmV0a2V5"), std::string::npos) << text;
  EXPECT_NE(text.find("key=<redacted>"), std::string::npos) << text;
  EXPECT_NE(text.find("user=client.libvirt"), std::string::npos) << text;
}

TEST(RbdConfig, AuthWithoutKeyIsRefused) {
  auto def = rbdPool();
  def.source.auth = model::StorageAuth{"ceph", "libvirt", {}};
  EXPECT_FALSE(radosConfig(def, std::nullopt, 30s));
}

TEST(RbdConfig, NoAuthMeansAuthNone) {
  auto config = radosConfig(rbdPool(), std::nullopt, 30s);
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->user);
  EXPECT_EQ(option(*config, "auth_supported"), "none");
  EXPECT_EQ(option(*config, "key"), "<absent>");
  EXPECT_EQ(option(*config, "mon_host"), "mon1.example.org:6789,10.0.0.2,[::1]:3300");
  EXPECT_EQ(option(*config, "rbd_default_format"), "2");
}

TEST(RbdConfig, TimeoutsRoundUpToWholeSeconds) {
  auto config = radosConfig(rbdPool(), std::nullopt, 1500ms);
  ASSERT_TRUE(config);
  EXPECT_EQ(option(*config, "client_mount_timeout"), "2");
  EXPECT_EQ(option(*config, "rados_mon_op_timeout"), "2");
  EXPECT_EQ(option(*config, "rados_osd_op_timeout"), "2");
}

TEST(RbdConfig, ConfigOptsComeLastAndCanOverride) {
  auto def = rbdPool();
  def.rbdConfigOpts = {{"client_mount_timeout", "45"}, {"rbd_cache", "false"}};
  auto config = radosConfig(def, std::nullopt, 30s);
  ASSERT_TRUE(config);
  ASSERT_GE(config->options.size(), 2u);
  auto n = config->options.size();
  EXPECT_EQ(config->options[n - 2].first, "client_mount_timeout");
  EXPECT_EQ(config->options[n - 2].second, "45");
  EXPECT_EQ(config->options[n - 1].first, "rbd_cache");
}

TEST(RbdConfig, PoolSpecAndImagePaths) {
  auto def = rbdPool();
  auto plain = parsePoolSpec(def);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->pool, "rbd");
  EXPECT_EQ(plain->ns, "");
  EXPECT_EQ(imagePath(*plain, "disk1"), "rbd/disk1");
  def.source.name = "rbd/tenant1";
  auto ns = parsePoolSpec(def);
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->pool, "rbd");
  EXPECT_EQ(ns->ns, "tenant1");
  EXPECT_EQ(imagePath(*ns, "disk1"), "rbd/tenant1/disk1");
  for (const char* bad : {"", "/x", "rbd/", "a/b/c"}) {
    def.source.name = bad;
    auto r = parsePoolSpec(def);
    EXPECT_FALSE(r) << bad;
    if (!r)
      EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  }
}

}  // namespace
}  // namespace virtus::storage::rbd
