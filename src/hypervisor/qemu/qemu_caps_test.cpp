#include "hypervisor/qemu/qemu_caps.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_caps_test_data.h"

namespace virtus::qemu {
namespace {

TEST(QemuCaps, JsonRoundTrip) {
  QemuCaps caps = testdata::recordedCaps();
  caps.kvmEnabled = true;
  caps.firmwares = {"/usr/share/qemu/firmware/60-edk2-x86_64.json"};
  QemuAccelCaps kvm = caps.accels[0];
  kvm.accel = QemuAccel::Kvm;
  caps.accels.push_back(kvm);
  auto back = qemuCapsFromJson(nlohmann::json::parse(qemuCapsToJson(caps).dump()));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, caps);
}

TEST(QemuCaps, BadJsonIsAnError) {
  QemuCaps caps = testdata::recordedCaps();
  nlohmann::json j = qemuCapsToJson(caps);
  j["version"] = {7, 2};
  auto r = qemuCapsFromJson(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("invalid QEMU capabilities data"), std::string::npos);
  j = qemuCapsToJson(caps);
  j["accels"][0]["accel"] = "hvf";
  EXPECT_FALSE(qemuCapsFromJson(j));
  j = qemuCapsToJson(caps);
  j["deviceTypes"] = {"b", "a"};  // lookups need them sorted
  EXPECT_FALSE(qemuCapsFromJson(j));
  EXPECT_FALSE(qemuCapsFromJson(nlohmann::json::array()));
}

TEST(QemuCaps, VersionNumberIsLibvirts) {
  QemuCaps caps;
  caps.versionMajor = 7;
  caps.versionMinor = 2;
  caps.versionMicro = 22;
  EXPECT_EQ(caps.versionNumber(), 7002022u);
}

}  // namespace
}  // namespace virtus::qemu
