// The capabilities probe against the real qemu-system-x86_64. Skipped when it is absent,
// unless VIRTUS_REQUIRE_QEMU=1 (CI), where that is a failure.
#include "hypervisor/qemu/qemu_caps_probe.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "hypervisor/qemu/qemu_caps_cache.h"
#include "os/clock.h"
#include "os/linux_file_system.h"

namespace virtus::qemu {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

std::string findQemu() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/qemu-system-x86_64";
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

class QemuCapsProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    qemu_ = findQemu();
    if (qemu_.empty()) {
      const char* require = std::getenv("VIRTUS_REQUIRE_QEMU");
      if (require && std::string(require) == "1")
        FAIL() << "qemu-system-x86_64 is not on PATH and VIRTUS_REQUIRE_QEMU=1";
      GTEST_SKIP() << "qemu-system-x86_64 is not installed";
    }
    std::string pattern = ::testing::TempDir() + "qcaps-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    options_.workDir = dir_;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  os::SystemClock clock_;
  os::LinuxFileSystem fs_;
  std::string qemu_, dir_;
  QemuProbeOptions options_;
};

TEST_F(QemuCapsProbeTest, ProbesTheRealQemu) {
  auto start = steady_clock::now();
  auto caps = probeQemuCaps(qemu_, clock_, clock_.now() + seconds(30), fs_, options_);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - start);
  ASSERT_TRUE(caps) << caps.error().message;
  std::cout << "probe of " << qemu_ << " took " << ms.count() << " ms (kvm "
            << (caps->kvmEnabled ? "yes" : "no") << ")\n";
  EXPECT_EQ(caps->binary, qemu_);
  EXPECT_GE(caps->versionNumber(), 2000000u);
  EXPECT_EQ(caps->arch, "x86_64");
  const QemuMachineType* def = caps->defaultMachine(QemuAccel::Tcg);
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->alias, "pc");
  EXPECT_EQ(&caps->accelCaps(QemuAccel::Tcg)->machines[0], def);
  EXPECT_NE(caps->findMachine(QemuAccel::Tcg, "q35"), nullptr);
  EXPECT_GT(caps->accelCaps(QemuAccel::Tcg)->cpuModels.size(), 10u);
  for (const char* dev : {"virtio-blk-pci", "virtio-scsi-pci", "qemu-xhci", "ide-cd"})
    EXPECT_TRUE(caps->hasDevice(dev)) << dev;
  for (const char* drv : {"file", "qcow2", "raw", "nbd"})
    EXPECT_TRUE(caps->hasBlockDriver(drv)) << drv;
  // rbd is a module (qemu-block-extra on Debian): present exactly when its file is.
  bool rbdModule = false;
  for (const auto& d : options_.moduleDirs)
    rbdModule = rbdModule || ::access((d + "/block-rbd.so").c_str(), F_OK) == 0;
  EXPECT_EQ(caps->hasBlockDriver("rbd"), rbdModule);
  EXPECT_EQ(caps->kvmEnabled, caps->accelCaps(QemuAccel::Kvm) != nullptr);
  // The probe's directory is gone and no QEMU is left: every child was reaped.
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

TEST_F(QemuCapsProbeTest, TheCacheProbesOnceAcrossRestarts) {
  int probes = 0;
  QemuCapsProber prober = [&](const std::string& binary) {
    ++probes;
    return probeQemuCaps(binary, clock_, clock_.now() + seconds(30), fs_, options_);
  };
  std::string cacheDir = dir_ + "/cache";
  auto first = QemuCapsCache(cacheDir, fs_, prober).load(qemu_);
  ASSERT_TRUE(first) << first.error().message;
  auto start = steady_clock::now();
  auto second = QemuCapsCache(cacheDir, fs_, prober).load(qemu_);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - start);
  ASSERT_TRUE(second);
  EXPECT_EQ(probes, 1);
  EXPECT_EQ(*first, *second);
  std::cout << "load from the cache file took " << us.count() << " us\n";
}

TEST_F(QemuCapsProbeTest, AKvmThatDoesNotWorkLeavesTheTcgResult) {
  // A "KVM device" that opens but is no KVM: QEMU refuses accel=kvm (or, on a machine with
  // a real /dev/kvm, runs it); either way the probe succeeds with TCG's result.
  std::string device = dir_ + "/kvm";
  std::ofstream(device) << "";
  options_.kvmDevice = device;
  auto caps = probeQemuCaps(qemu_, clock_, clock_.now() + seconds(30), fs_, options_);
  ASSERT_TRUE(caps) << caps.error().message;
  ASSERT_NE(caps->accelCaps(QemuAccel::Tcg), nullptr);
  EXPECT_EQ(caps->kvmEnabled, caps->accelCaps(QemuAccel::Kvm) != nullptr);
  if (::access("/dev/kvm", R_OK | W_OK) != 0) {
    EXPECT_FALSE(caps->kvmEnabled);
  }
  EXPECT_EQ(qemuCapsHostKey(fs_, options_).substr(0, 6), "kvm=1;");
  std::filesystem::remove(device);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  options_.kvmDevice = dir_ + "/no-kvm";
  EXPECT_EQ(qemuCapsHostKey(fs_, options_).substr(0, 6), "kvm=0;");
}

TEST_F(QemuCapsProbeTest, ANonQemuBinaryFailsQuickly) {
  auto start = steady_clock::now();
  auto caps = probeQemuCaps("/bin/false", clock_, clock_.now() + seconds(10), fs_, options_);
  ASSERT_FALSE(caps);
  EXPECT_LT(steady_clock::now() - start, seconds(5));
  EXPECT_NE(caps.error().message.find("/bin/false"), std::string::npos) << caps.error().message;
  auto missing = probeQemuCaps(dir_ + "/none", clock_, clock_.now() + seconds(10), fs_, options_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::SystemError);
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

TEST_F(QemuCapsProbeTest, AHungQemuIsKilledAtTheDeadline) {
  // A "QEMU" that never opens its monitor.
  std::string fake = dir_ + "/hang";
  {
    std::ofstream out(fake);
    out << "#!/bin/sh\nexec sleep 60\n";
  }
  ASSERT_EQ(::chmod(fake.c_str(), 0755), 0);
  auto start = steady_clock::now();
  auto caps =
      probeQemuCaps(fake, clock_, clock_.now() + std::chrono::milliseconds(500), fs_, options_);
  ASSERT_FALSE(caps);
  // connectQmp's error at its deadline.
  EXPECT_NE(caps.error().message.find("monitor socket did not show up"), std::string::npos)
      << caps.error().message;
  EXPECT_LT(steady_clock::now() - start, seconds(5));
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

}  // namespace
}  // namespace virtus::qemu
