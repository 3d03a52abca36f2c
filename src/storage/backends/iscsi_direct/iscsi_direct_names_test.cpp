#include "storage/backends/iscsi_direct/iscsi_direct_names.h"

#include <gtest/gtest.h>

namespace virtus::storage::iscsi_direct {
namespace {

model::PoolSource sourceWithHost(std::string name, std::optional<int> port) {
  model::PoolSource source;
  source.hosts.push_back({std::move(name), port});
  return source;
}

TEST(IscsiDirectNames, PortalAddsTheDefaultPortAndBracketsIpv6) {
  EXPECT_EQ(*portalOf(sourceWithHost("iscsi.example.com", std::nullopt)), "iscsi.example.com:3260");
  EXPECT_EQ(*portalOf(sourceWithHost("127.0.0.1", 3261)), "127.0.0.1:3261");
  EXPECT_EQ(*portalOf(sourceWithHost("::1", 3261)), "[::1]:3261");
}

TEST(IscsiDirectNames, PortalWantsExactlyOneHost) {
  model::PoolSource none;
  auto r = portalOf(none);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(r.error().message, "Expected exactly 1 host for the storage pool");
  auto two = sourceWithHost("a", std::nullopt);
  two.hosts.push_back({"b", std::nullopt});
  EXPECT_FALSE(portalOf(two));
}

TEST(IscsiDirectNames, VolumeNamesAndPathsAreLibvirts) {
  EXPECT_EQ(volumeName(2), "unit:0:0:2");
  EXPECT_EQ(volumePath("127.0.0.1:3260", "iqn.2013-06.com.example:iscsi-pool", 1),
            "ip-127.0.0.1:3260-iscsi-iqn.2013-06.com.example:iscsi-pool-lun-1");
  EXPECT_EQ(lunOfVolumeName("unit:0:0:17"), 17u);
  EXPECT_EQ(lunOfVolumeName("unit:0:0:"), std::nullopt);
  EXPECT_EQ(lunOfVolumeName("unit:0:0:1x"), std::nullopt);
  EXPECT_EQ(lunOfVolumeName("unit:0:1:1"), std::nullopt);
  EXPECT_EQ(lunOfVolumeName("sda"), std::nullopt);
}

TEST(IscsiDirectNames, LoginStatusIsReadFromLibiscsisMessage) {
  EXPECT_EQ(loginStatusOf("Failed to log in to target. Status: Authentication failure(513)"),
            kLoginAuthenticationFailure);
  EXPECT_EQ(loginStatusOf("Failed to log in to target. Status: Target not found(515)"),
            kLoginTargetNotFound);
  EXPECT_EQ(loginStatusOf("Failed to log in to target. Status: weird"), std::nullopt);
  EXPECT_EQ(loginStatusOf("Connection refused"), std::nullopt);
}

}  // namespace
}  // namespace virtus::storage::iscsi_direct
