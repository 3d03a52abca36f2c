#include "hypervisor/qemu/qemu_caps_firmware.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_caps_format.h"
#include "hypervisor/qemu/qemu_caps_test_data.h"
#include "os/linux_file_system.h"

namespace virtus::qemu {
namespace {

// A descriptor shaped like the one of Debian's ovmf package.
const char* kOvmf = R"({
  "description": "OVMF without SB+SMM, empty varstore",
  "interface-types": ["uefi"],
  "mapping": {"device": "flash",
              "executable": {"filename": "/usr/share/OVMF/OVMF_CODE_4M.fd", "format": "raw"},
              "nvram-template": {"filename": "/usr/share/OVMF/OVMF_VARS_4M.fd", "format": "raw"}},
  "targets": [{"architecture": "x86_64", "machines": ["pc-i440fx-*", "pc-q35-*"]}],
  "features": ["acpi-s3", "verbose-dynamic"],
  "tags": []
})";

TEST(QemuCapsFirmware, UefiForTheArchitecture) {
  auto d = nlohmann::json::parse(kOvmf);
  EXPECT_TRUE(isUefiFirmwareFor(d, "x86_64"));
  EXPECT_FALSE(isUefiFirmwareFor(d, "aarch64"));
  d["interface-types"] = {"bios"};
  EXPECT_FALSE(isUefiFirmwareFor(d, "x86_64"));
  d = nlohmann::json::parse(kOvmf);
  d["targets"][0]["architecture"] = "i386";
  EXPECT_TRUE(isUefiFirmwareFor(d, "i686"));
  EXPECT_FALSE(isUefiFirmwareFor(nlohmann::json::array(), "x86_64"));
  EXPECT_FALSE(isUefiFirmwareFor(nlohmann::json{{"interface-types", "uefi"}}, "x86_64"));
}

class QemuCapsFirmwareDirs : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "qemu-fw-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::filesystem::create_directories(etc());
    std::filesystem::create_directories(share());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string etc() const { return dir_ + "/etc"; }
  std::string share() const { return dir_ + "/share"; }
  void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  os::LinuxFileSystem fs_;
  std::string dir_;
};

TEST_F(QemuCapsFirmwareDirs, EarlierDirectoriesOverrideAndEmptyFilesHide) {
  write(share() + "/40-edk2-x86_64.json", kOvmf);
  write(share() + "/50-ovmf-aarch64.json",
        R"({"interface-types": ["uefi"], "targets": [{"architecture": "aarch64"}]})");
  write(share() + "/60-broken.json", "{");
  write(share() + "/README", kOvmf);
  std::vector<std::string> dirs = {etc(), share()};
  EXPECT_EQ(findUefiFirmwares(fs_, "x86_64", dirs),
            std::vector<std::string>{share() + "/40-edk2-x86_64.json"});
  write(etc() + "/40-edk2-x86_64.json", kOvmf);
  EXPECT_EQ(findUefiFirmwares(fs_, "x86_64", dirs),
            std::vector<std::string>{etc() + "/40-edk2-x86_64.json"});
  write(etc() + "/40-edk2-x86_64.json", "");
  EXPECT_TRUE(findUefiFirmwares(fs_, "x86_64", dirs).empty());
  EXPECT_TRUE(findUefiFirmwares(fs_, "x86_64", {dir_ + "/missing"}).empty());
}

TEST_F(QemuCapsFirmwareDirs, FoundFirmwareIsOfferedAsEfi) {
  write(share() + "/40-edk2-x86_64.json", kOvmf);
  QemuCaps caps = testdata::recordedCaps();
  caps.firmwares = findUefiFirmwares(fs_, caps.arch, {share()});
  auto xml = formatDomainCapabilities(caps, "", "qemu");
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("    <enum name='firmware'>\n      <value>efi</value>\n    </enum>\n"),
            std::string::npos);
}

}  // namespace
}  // namespace virtus::qemu
