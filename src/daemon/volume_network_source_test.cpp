#include "daemon/volume_network_source.h"

#include <gtest/gtest.h>

namespace virtus::daemon {
namespace {

model::PoolDef poolOf(model::PoolType type) {
  model::PoolDef pool;
  pool.type = type;
  pool.name = "p";
  return pool;
}

model::VolDef volNamed(const std::string& name, const std::string& path = "") {
  model::VolDef vol;
  vol.name = name;
  vol.target.path = path;
  vol.target.format = "raw";
  return vol;
}

TEST(VolumeNetworkSource, IscsiDirectLunWithInitiatorAndChapAsLibvirt) {
  auto pool = poolOf(model::PoolType::IscsiDirect);
  pool.source.hosts = {{"192.0.2.7", 3261}};
  pool.source.devices = {{"iqn.2013-06.com.example:iscsi-pool"}};
  pool.source.initiatorIqn = "iqn.2013-06.com.example:host";
  pool.source.auth = model::StorageAuth{"chap", "alice", {std::nullopt, "pool-chap"}};
  auto src = networkSourceOfVolume(pool, volNamed("unit:0:0:2", "ip-192.0.2.7:3261-iscsi-x-lun-2"));
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ(src->type, "network");
  EXPECT_EQ(src->protocol, "iscsi");
  EXPECT_EQ(src->name, "iqn.2013-06.com.example:iscsi-pool/2");
  ASSERT_EQ(src->hosts.size(), 1u);
  EXPECT_EQ(src->hosts[0].name, "192.0.2.7");
  EXPECT_EQ(src->hosts[0].port, 3261u);
  EXPECT_EQ(src->initiatorIqn, "iqn.2013-06.com.example:host");
  ASSERT_TRUE(src->auth);
  EXPECT_EQ(src->auth->username, "alice");
  EXPECT_EQ(src->auth->secret.type, "iscsi");
  EXPECT_EQ(src->auth->secret.usage, "pool-chap");
  EXPECT_EQ(src->format, "raw");

  auto bad = networkSourceOfVolume(pool, volNamed("disk"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::ConfigUnsupported);
}

TEST(VolumeNetworkSource, RbdImageWithMonitorsAndCephUser) {
  auto pool = poolOf(model::PoolType::Rbd);
  pool.source.name = "rbd";
  pool.source.hosts = {{"mon1", 6789}, {"::1", std::nullopt}};
  const Uuid secret = Uuid::generate();
  pool.source.auth = model::StorageAuth{"ceph", "admin", {secret, ""}};
  auto src = networkSourceOfVolume(pool, volNamed("img", "rbd/img"));
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ(src->protocol, "rbd");
  EXPECT_EQ(src->name, "rbd/img");
  ASSERT_EQ(src->hosts.size(), 2u);
  EXPECT_EQ(src->hosts[1].name, "::1");
  EXPECT_FALSE(src->hosts[1].port);
  ASSERT_TRUE(src->auth);
  EXPECT_EQ(src->auth->secret.type, "ceph");
  EXPECT_EQ(src->auth->secret.uuid, secret);
}

TEST(VolumeNetworkSource, GlusterFileInThePoolsDirectory) {
  auto pool = poolOf(model::PoolType::Gluster);
  pool.source.name = "vol0";
  pool.source.dir = "/images/";
  pool.source.hosts = {{"gl.example", std::nullopt}};
  auto src = networkSourceOfVolume(pool, volNamed("a.qcow2"));
  ASSERT_TRUE(src);
  EXPECT_EQ(src->protocol, "gluster");
  EXPECT_EQ(src->name, "vol0/images/a.qcow2");
  EXPECT_FALSE(src->auth);
  pool.source.dir = "/";
  EXPECT_EQ(networkSourceOfVolume(pool, volNamed("a.qcow2"))->name, "vol0/a.qcow2");
}

TEST(VolumeNetworkSource, SheepdogCannotBackADisk) {
  auto src = networkSourceOfVolume(poolOf(model::PoolType::Sheepdog), volNamed("v"));
  ASSERT_FALSE(src);
  EXPECT_EQ(src.error().message,
            "storage volume 'v' of pool 'p' (type 'sheepdog') cannot back a disk: QEMU cannot "
            "reach this storage by itself.");
}

}  // namespace
}  // namespace virtus::daemon
