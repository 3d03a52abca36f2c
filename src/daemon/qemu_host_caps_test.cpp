// The daemon's view of the host's QEMUs over fake emulators (executable files in a
// temporary search path) and a counting prober that answers with the recorded QEMU 7.2:
// which binary serves which architecture, when a probe happens (never before it is needed,
// once per binary, never again after a restart), the <guest> elements of
// <capabilities> and libvirt 9.0's argument rules and errors for domain capabilities.
#include "daemon/qemu_host_caps.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon/dispatch_host_info.h"
#include "hypervisor/qemu/qemu_caps_format.h"
#include "hypervisor/qemu/qemu_caps_test_data.h"
#include "os/linux_file_system.h"
#include "os/root_paths.h"

namespace virtus::daemon {
namespace {

class QemuHostCapsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "qemu-host-caps-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::filesystem::create_directories(dir_ + "/bin1");
    std::filesystem::create_directories(dir_ + "/bin2");
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string addBinary(const std::string& subdir, const std::string& name,
                        bool executable = true) {
    std::string path = dir_ + "/" + subdir + "/" + name;
    std::ofstream(path) << "#!/bin/sh\nexit 1\n";
    ::chmod(path.c_str(), executable ? 0755 : 0644);
    return path;
  }

  // A QemuHostCaps over bin1 then bin2, with its cache in dir_/cache.
  std::unique_ptr<QemuHostCaps> hostCaps() {
    auto prober = [this](const std::string& binary) -> Result<qemu::QemuCaps> {
      ++probes_;
      probed_.push_back(binary);
      qemu::QemuCaps caps = qemu::testdata::recordedCaps();
      caps.binary = binary;
      if (binary.ends_with("-i386"))
        caps.arch = "i686";
      return caps;
    };
    auto cache = std::make_unique<qemu::QemuCapsCache>(dir_ + "/cache", fs_, prober, "kvm=0;");
    QemuHostCapsOptions options;
    options.searchPath = {dir_ + "/bin1", dir_ + "/bin2"};
    options.hostArch = "x86_64";
    options.firmwareDirs = {dir_ + "/firmware"};
    return std::make_unique<QemuHostCaps>(fs_, std::move(cache), options);
  }

  void expectError(const Result<std::string>& r, ErrorCode code, const std::string& message) {
    ASSERT_FALSE(r) << "expected an error, got a document";
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(r.error().message, message);
  }

  os::LinuxFileSystem fs_;
  std::string dir_;
  int probes_ = 0;
  std::vector<std::string> probed_;
};

TEST_F(QemuHostCapsTest, FindsEmulatorsOnTheSearchPathInOrder) {
  addBinary("bin1", "qemu-system-x86_64", /*executable=*/false);
  std::string x86 = addBinary("bin2", "qemu-system-x86_64");
  std::string i386 = addBinary("bin2", "qemu-system-i386");
  std::string first = addBinary("bin1", "qemu-system-i386");
  auto host = hostCaps();
  EXPECT_EQ(host->findEmulator("x86_64"), x86);  // bin1's copy is not executable
  EXPECT_EQ(host->findEmulator("i686"), first);  // bin1 comes first
  EXPECT_EQ(host->findEmulator("aarch64"), std::nullopt);
  std::vector<QemuEmulator> expected = {{"i686", first}, {"x86_64", x86}};
  EXPECT_EQ(host->emulators(), expected);
  EXPECT_EQ(probes_, 0);
}

TEST_F(QemuHostCapsTest, I686FallsBackToTheX86_64Binary) {
  std::string x86 = addBinary("bin1", "qemu-system-x86_64");
  auto host = hostCaps();
  EXPECT_EQ(host->findEmulator("i686"), x86);
  std::string guests = host->guestCapabilities();
  EXPECT_NE(guests.find("<arch name='i686'>\n      <wordsize>32</wordsize>\n      <emulator>" +
                        x86 + "</emulator>"),
            std::string::npos)
      << guests;
  EXPECT_EQ(probes_, 1);  // one binary, probed once for both guests
}

TEST_F(QemuHostCapsTest, ProbesOnFirstNeedOnlyAndOncePerBinary) {
  std::string x86 = addBinary("bin1", "qemu-system-x86_64");
  auto host = hostCaps();
  EXPECT_EQ(probes_, 0);
  EXPECT_EQ(host->hypervisorVersion(), 7002022u);
  EXPECT_EQ(probes_, 1);
  EXPECT_TRUE(host->domainCapabilities({}));
  EXPECT_FALSE(host->guestCapabilities().empty());
  EXPECT_EQ(probes_, 1);
  EXPECT_TRUE(fs_.exists(dir_ + "/cache"));
  EXPECT_EQ(fs_.listDirectory(dir_ + "/cache")->size(), 1u);

  // A restarted daemon (a new object over the same cache directory) reads the file.
  auto again = hostCaps();
  EXPECT_EQ(again->hypervisorVersion(), 7002022u);
  EXPECT_EQ(probes_, 1);
}

TEST_F(QemuHostCapsTest, WithoutEmulatorThereIsNoVersionAndNoGuest) {
  auto host = hostCaps();
  EXPECT_EQ(host->hypervisorVersion(), 0u);
  EXPECT_EQ(host->guestCapabilities(), "");
  expectError(host->domainCapabilities({}), ErrorCode::ConfigUnsupported,
              "unable to find any emulator to serve 'x86_64' architecture");
  EXPECT_EQ(probes_, 0);
}

TEST_F(QemuHostCapsTest, GuestsAreLibvirtsInLibvirtsOrder) {
  std::string x86 = addBinary("bin1", "qemu-system-x86_64");
  std::string i386 = addBinary("bin1", "qemu-system-i386");
  auto host = hostCaps();
  std::string guests = host->guestCapabilities();
  // The recorded x86_64 guest, byte for byte, after the i686 one.
  std::string recorded = qemu::testdata::readTestdata("capabilities-guests.xml");
  std::string x86Guest =
      recorded.substr(recorded.find("  <guest>\n    <os_type>hvm</os_type>\n"
                                    "    <arch name='x86_64'>"));
  auto at = x86Guest.find("/usr/bin/qemu-system-x86_64");
  x86Guest.replace(at, std::string("/usr/bin/qemu-system-x86_64").size(), x86);
  ASSERT_TRUE(guests.ends_with(x86Guest)) << guests;
  std::string i686Guest = guests.substr(0, guests.size() - x86Guest.size());
  EXPECT_TRUE(
      i686Guest.starts_with("  <guest>\n    <os_type>hvm</os_type>\n"
                            "    <arch name='i686'>\n      <wordsize>32</wordsize>\n"
                            "      <emulator>" +
                            i386 + "</emulator>\n"))
      << i686Guest;
  EXPECT_NE(i686Guest.find("      <pae/>\n      <nonpae/>\n"), std::string::npos);
  EXPECT_TRUE(i686Guest.ends_with("  </guest>\n\n"));
  EXPECT_EQ(probed_, (std::vector<std::string>{i386, x86}));
}

TEST_F(QemuHostCapsTest, DomainCapabilitiesOfTheDefaultEmulator) {
  std::string x86 = addBinary("bin1", "qemu-system-x86_64");
  auto host = hostCaps();
  qemu::QemuCaps caps = qemu::testdata::recordedCaps();
  caps.binary = x86;
  auto expected = qemu::formatDomainCapabilities(caps, "", "qemu");
  ASSERT_TRUE(expected);
  auto plain = host->domainCapabilities({});
  ASSERT_TRUE(plain) << plain.error().text();
  EXPECT_EQ(*plain, *expected);
  // "none" is libvirt's name for no virttype; "qemu" and the explicit binary are the same.
  EXPECT_EQ(host->domainCapabilities({std::nullopt, std::nullopt, std::nullopt, "none"}).value(),
            *expected);
  EXPECT_EQ(host->domainCapabilities({x86, "x86_64", std::nullopt, "qemu"}).value(), *expected);
  auto q35 = host->domainCapabilities({std::nullopt, std::nullopt, "q35", std::nullopt});
  ASSERT_TRUE(q35) << q35.error().text();
  EXPECT_EQ(*q35, qemu::formatDomainCapabilities(caps, "q35", "qemu").value());
  EXPECT_NE(q35->find("<machine>pc-q35-7.2</machine>"), std::string::npos);
}

TEST_F(QemuHostCapsTest, DomainCapabilitiesForI686) {
  std::string x86 = addBinary("bin1", "qemu-system-x86_64");
  std::string i386 = addBinary("bin1", "qemu-system-i386");
  auto host = hostCaps();
  auto i686 = host->domainCapabilities({std::nullopt, "i686", std::nullopt, std::nullopt});
  ASSERT_TRUE(i686) << i686.error().text();
  EXPECT_NE(i686->find("<path>" + i386 + "</path>"), std::string::npos);
  EXPECT_NE(i686->find("<arch>i686</arch>"), std::string::npos);
  // The x86_64 binary runs i686 guests too.
  auto viaX86 = host->domainCapabilities({x86, "i686", std::nullopt, std::nullopt});
  ASSERT_TRUE(viaX86) << viaX86.error().text();
  EXPECT_NE(viaX86->find("<path>" + x86 + "</path>"), std::string::npos);
  EXPECT_NE(viaX86->find("<arch>i686</arch>"), std::string::npos);
}

TEST_F(QemuHostCapsTest, DomainCapabilitiesErrorsAreLibvirts) {
  std::string x86 = addBinary("bin1", "qemu-system-x86_64");
  std::string i386 = addBinary("bin1", "qemu-system-i386");
  auto host = hostCaps();
  using Q = DomainCapsQuery;
  const auto none = std::nullopt;
  expectError(host->domainCapabilities(Q{none, none, none, "nosuch"}), ErrorCode::InvalidArg,
              "unknown virttype: nosuch");
  expectError(host->domainCapabilities(Q{none, "nosuch", none, none}), ErrorCode::InvalidArg,
              "unknown architecture: nosuch");
  expectError(host->domainCapabilities(Q{none, "aarch64", none, none}),
              ErrorCode::ConfigUnsupported,
              "unable to find any emulator to serve 'aarch64' architecture");
  EXPECT_EQ(probes_, 0);  // all of these are refused before any probe
  expectError(host->domainCapabilities(Q{dir_ + "/nope", none, none, none}), ErrorCode::SystemError,
              "Cannot check QEMU binary " + dir_ + "/nope: No such file or directory");
  expectError(host->domainCapabilities(Q{none, none, none, "kvm"}), ErrorCode::InvalidArg,
              "the accel 'kvm' is not supported by '" + x86 + "' on this host");
  expectError(host->domainCapabilities(Q{none, none, none, "xen"}), ErrorCode::InvalidArg,
              "the accel 'tcg' is not supported by '" + x86 + "' on this host");
  expectError(host->domainCapabilities(Q{none, none, "nosuch", none}), ErrorCode::InvalidArg,
              "the machine 'nosuch' is not supported by emulator '" + x86 + "'");
  expectError(host->domainCapabilities(Q{x86, "aarch64", none, none}), ErrorCode::InvalidArg,
              "architecture from emulator 'x86_64' doesn't match given architecture 'aarch64'");
  expectError(host->domainCapabilities(Q{i386, none, none, none}), ErrorCode::InvalidArg,
              "Emulator '" + i386 + "' does not support arch 'x86_64'");
  expectError(host->domainCapabilities(Q{i386, "x86_64", none, none}), ErrorCode::InvalidArg,
              "Emulator '" + i386 + "' does not support arch 'x86_64'");
}

TEST_F(QemuHostCapsTest, HostInfoPlacesTheGuestsAfterTheHost) {
  std::string x86 = addBinary("bin1", "qemu-system-x86_64");
  std::shared_ptr<QemuHostCaps> qemuHost = hostCaps();
  auto host = makeLinuxHostInfo(qemuHost);
  EXPECT_EQ(probes_, 0);
  std::string caps = host->capabilities();
  auto hostEnd = caps.find("  </host>\n\n  <guest>\n");
  ASSERT_NE(hostEnd, std::string::npos) << caps;
  EXPECT_TRUE(caps.starts_with("<capabilities>\n\n  <host>\n"));
  EXPECT_TRUE(caps.ends_with("  </guest>\n\n</capabilities>\n")) << caps;
  EXPECT_EQ(caps.substr(hostEnd + 11, caps.size() - hostEnd - 11 - 16),
            qemuHost->guestCapabilities());
  EXPECT_EQ(host->hypervisorVersion(), 7002022u);
  auto dom = host->domainCapabilities({});
  ASSERT_TRUE(dom) << dom.error().text();
  EXPECT_TRUE(dom->starts_with("<domainCapabilities>\n  <path>" + x86 + "</path>\n"));
  EXPECT_EQ(probes_, 1);
}

TEST(LinuxHostInfoWithoutQemu, HasNoVersionGuestsOrDomainCapabilities) {
  auto host = makeLinuxHostInfo();
  EXPECT_EQ(host->hypervisorVersion(), 0u);
  std::string caps = host->capabilities();
  EXPECT_TRUE(caps.ends_with("  </host>\n\n</capabilities>\n")) << caps;
  auto dom = host->domainCapabilities({});
  ASSERT_FALSE(dom);
  EXPECT_EQ(dom.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(dom.error().message, "virConnectGetDomainCapabilities");
}

TEST(QemuCapsCacheDir, FollowsTheRootTree) {
  EXPECT_EQ(qemuCapsCacheDir(os::RootPaths::underRoot("/srv/v/")),
            "/srv/v/cache/qemu/capabilities");
  os::UserEnvironment root;
  root.privileged = true;
  EXPECT_EQ(qemuCapsCacheDir(os::defaultRootPaths(root)), "/var/cache/virtus/qemu/capabilities");
  os::UserEnvironment user;
  user.home = "/home/u";
  user.getenv = [](std::string_view name) -> std::optional<std::string> {
    if (name == "XDG_CACHE_HOME")
      return "/xdg/cache";
    return std::nullopt;
  };
  EXPECT_EQ(qemuCapsCacheDir(os::defaultRootPaths(user)), "/xdg/cache/virtus/qemu/capabilities");
}

TEST(SplitSearchPath, SplitsAndDefaults) {
  EXPECT_EQ(splitSearchPath("/a::/b/c:"), (std::vector<std::string>{"/a", "/b/c"}));
  EXPECT_EQ(splitSearchPath(nullptr),
            (std::vector<std::string>{"/usr/local/bin", "/usr/bin", "/bin"}));
  EXPECT_EQ(splitSearchPath(""), (std::vector<std::string>{"/usr/local/bin", "/usr/bin", "/bin"}));
}

}  // namespace
}  // namespace virtus::daemon
