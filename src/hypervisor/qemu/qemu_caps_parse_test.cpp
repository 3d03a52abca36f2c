#include "hypervisor/qemu/qemu_caps_parse.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_caps_test_data.h"

namespace virtus::qemu {
namespace {

using nlohmann::json;

TEST(QemuCapsParse, RecordedRepliesOfQemu72) {
  QemuCaps caps = testdata::recordedCaps();
  EXPECT_EQ(caps.versionNumber(), 7002022u);
  EXPECT_EQ(caps.package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
  EXPECT_EQ(caps.arch, "x86_64");
  EXPECT_TRUE(caps.kvmPresent);
  const auto& machines = caps.accels[0].machines;
  ASSERT_EQ(machines.size(), 58u);               // 59 with "none", which is left out
  EXPECT_EQ(machines[0].name, "pc-i440fx-7.2");  // the default moves first
  EXPECT_EQ(machines[0].alias, "pc");
  EXPECT_TRUE(machines[0].isDefault);
  EXPECT_EQ(machines[0].maxCpus, 255);
  EXPECT_EQ(machines[1].name, "pc-q35-5.2");  // then QEMU's order
  const QemuMachineType* q35 = caps.findMachine(QemuAccel::Tcg, "q35");
  ASSERT_NE(q35, nullptr);
  EXPECT_EQ(q35->name, "pc-q35-7.2");
  EXPECT_EQ(q35->maxCpus, 288);
  EXPECT_TRUE(caps.findMachine(QemuAccel::Tcg, "pc-i440fx-1.5")->deprecated);
  EXPECT_EQ(caps.findMachine(QemuAccel::Tcg, "none"), nullptr);
  EXPECT_EQ(caps.findMachine(QemuAccel::Kvm, "pc"), nullptr);

  const auto& cpus = caps.accels[0].cpuModels;
  auto haswell =
      std::find_if(cpus.begin(), cpus.end(), [](auto& c) { return c.name == "Haswell"; });
  ASSERT_NE(haswell, cpus.end());
  EXPECT_FALSE(haswell->unavailableFeatures.empty());
  EXPECT_EQ(haswell->typeName, "Haswell-x86_64-cpu");

  for (const char* dev : {"virtio-blk-pci", "virtio-scsi-pci", "qemu-xhci", "ide-cd", "VGA"})
    EXPECT_TRUE(caps.hasDevice(dev)) << dev;
  EXPECT_FALSE(caps.hasDevice("no-such-device"));
  EXPECT_TRUE(caps.hasBlockDriver("qcow2"));
  EXPECT_TRUE(caps.hasBlockDriver("nbd"));
  EXPECT_TRUE(caps.hasBlockDriver("file"));
  // Modules of qemu-block-extra, not installed when recorded.
  for (const char* d : {"rbd", "gluster", "iscsi", "http", "ssh"})
    EXPECT_FALSE(caps.hasBlockDriver(d)) << d;
}

TEST(QemuCapsParse, ModularBlockDriversNeedTheirModule) {
  std::vector<std::string> compiled = {"file", "gluster", "http", "https", "nbd", "rbd"};
  EXPECT_EQ(usableBlockDrivers(compiled, {"block-rbd.so", "ui-curses.so"}),
            (std::vector<std::string>{"file", "nbd", "rbd"}));
  EXPECT_EQ(usableBlockDrivers(compiled, {"block-curl.so", "block-gluster.so"}),
            (std::vector<std::string>{"file", "gluster", "http", "https", "nbd"}));
  // No module at all: a build without modules, where everything is built in.
  EXPECT_EQ(usableBlockDrivers(compiled, {}), compiled);
  EXPECT_EQ(blockDriverModule("https"), "block-curl.so");
  EXPECT_EQ(blockDriverModule("qcow2"), "");
}

TEST(QemuCapsParse, I386TargetIsLibvirtsI686) {
  EXPECT_EQ(parseQueryTarget(json{{"arch", "i386"}}).value(), "i686");
  EXPECT_EQ(archWordSize("i686"), 32);
  EXPECT_EQ(archWordSize("x86_64"), 64);
}

TEST(QemuCapsParse, UnexpectedShapesAreErrors) {
  QemuCaps caps;
  auto v = parseQueryVersion(json{{"qemu", {{"major", "seven"}}}}, caps);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::InternalError);
  EXPECT_NE(v.error().message.find("unexpected reply to 'query-version'"), std::string::npos);
  EXPECT_FALSE(parseQueryMachines(json::object()));
  EXPECT_FALSE(parseQueryMachines(json::array({{{"name", "pc"}}})));  // no cpu-max
  EXPECT_FALSE(parseQueryCpuDefinitions(json{{"name", "x"}}));
  EXPECT_FALSE(parseQomListTypes(json::array({1})));
  auto schema = parseSchemaBlockdevDrivers(json::array({{{"name", "query-status"}}}));
  ASSERT_FALSE(schema);
  EXPECT_NE(schema.error().message.find("no command 'blockdev-add'"), std::string::npos);
}

}  // namespace
}  // namespace virtus::qemu
