// The capabilities cache on the real file system, with a counting fake prober standing
// for QEMU: what matters is when it probes.
#include "hypervisor/qemu/qemu_caps_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "hypervisor/qemu/qemu_caps_test_data.h"
#include "os/linux_file_system.h"

namespace virtus::qemu {
namespace {

class QemuCapsCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "qemu-caps-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    binary_ = dir_ + "/qemu-system-x86_64";
    writeBinary("#!/bin/sh\nexit 1\n");
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void writeBinary(const std::string& content) {
    std::ofstream(binary_, std::ios::trunc) << content;
  }
  // Sets the binary's mtime (and so its ctime) to `sec`.
  void touch(long sec) {
    timespec times[2] = {{sec, 0}, {sec, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, binary_.c_str(), times, 0), 0);
  }
  QemuCapsProber prober() {
    return [this](const std::string& binary) -> Result<QemuCaps> {
      ++probes_;
      if (failProbe_)
        return makeError(ErrorCode::InternalError, ErrorDomain::Qemu, "probe failed");
      QemuCaps caps = testdata::recordedCaps();
      caps.binary = binary;
      caps.versionMicro = probes_;  // tells the probes apart
      return caps;
    };
  }
  std::string cacheDir() const { return dir_ + "/cache/qemu"; }

  os::LinuxFileSystem fs_;
  std::string dir_, binary_;
  int probes_ = 0;
  bool failProbe_ = false;
};

TEST_F(QemuCapsCacheTest, FirstLoadProbesAndWritesTheCacheFile) {
  QemuCapsCache cache(cacheDir(), fs_, prober());
  auto caps = cache.load(binary_);
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_EQ(probes_, 1);
  EXPECT_EQ(caps->versionMicro, 1);
  EXPECT_EQ(cache.cachePath(binary_), cacheDir() + "/" + sha256Hex(binary_) + ".json");
  auto text = fs_.readFile(cache.cachePath(binary_));
  ASSERT_TRUE(text);
  auto doc = nlohmann::json::parse(*text);
  EXPECT_EQ(doc["formatVersion"], QemuCapsCache::kFormatVersion);
  EXPECT_EQ(doc["identity"]["path"], binary_);
  EXPECT_EQ(doc["identity"]["size"], 17);
  EXPECT_EQ(doc["caps"]["binary"], binary_);
  // No temp file left behind.
  EXPECT_EQ(fs_.listDirectory(cacheDir())->size(), 1u);
  // Again in the same process: from memory.
  ASSERT_TRUE(cache.load(binary_));
  EXPECT_EQ(probes_, 1);
}

TEST_F(QemuCapsCacheTest, ANewCacheWithAValidFileDoesNotProbe) {
  {
    QemuCapsCache first(cacheDir(), fs_, prober());
    ASSERT_TRUE(first.load(binary_));
  }
  QemuCapsCache restarted(cacheDir(), fs_, prober());  // a daemon start
  auto caps = restarted.load(binary_);
  ASSERT_TRUE(caps);
  EXPECT_EQ(probes_, 1);
  EXPECT_EQ(caps->versionMicro, 1);
  EXPECT_EQ(*caps, *QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 1);
}

TEST_F(QemuCapsCacheTest, ATouchedBinaryIsProbedAgain) {
  touch(1000000);
  QemuCapsCache cache(cacheDir(), fs_, prober());
  ASSERT_TRUE(cache.load(binary_));
  touch(2000000);
  auto again = cache.load(binary_);
  ASSERT_TRUE(again);
  EXPECT_EQ(probes_, 2);
  EXPECT_EQ(again->versionMicro, 2);
  // The file now holds the new identity: a restart does not probe.
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 2);
}

TEST_F(QemuCapsCacheTest, AReplacedBinaryIsProbedAgain) {
  QemuCapsCache cache(cacheDir(), fs_, prober());
  ASSERT_TRUE(cache.load(binary_));
  // An upgrade: a new file renamed over the old one (new inode, size, times).
  std::string next = dir_ + "/next";
  std::ofstream(next) << "#!/bin/sh\nexit 2 # upgraded\n";
  ASSERT_EQ(::rename(next.c_str(), binary_.c_str()), 0);
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 2);
}

TEST_F(QemuCapsCacheTest, OtherFormatVersionsAndBrokenFilesAreProbedAgain) {
  QemuCapsCache cache(cacheDir(), fs_, prober());
  ASSERT_TRUE(cache.load(binary_));
  std::string path = cache.cachePath(binary_);
  auto doc = nlohmann::json::parse(*fs_.readFile(path));
  doc["formatVersion"] = QemuCapsCache::kFormatVersion + 1;
  ASSERT_TRUE(fs_.writeFileAtomic(path, doc.dump()));
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 2);
  ASSERT_TRUE(fs_.writeFileAtomic(path, "{ truncated"));
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 3);
  // And the rewritten file is valid again.
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 3);
}

TEST_F(QemuCapsCacheTest, ChangedHostFactsAreProbedAgain) {
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober(), "kvm=0;").load(binary_));
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober(), "kvm=0;").load(binary_));
  EXPECT_EQ(probes_, 1);
  // qemu-block-extra was installed.
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober(), "kvm=0;block-rbd.so").load(binary_));
  EXPECT_EQ(probes_, 2);
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober(), "kvm=1;block-rbd.so").load(binary_));
  EXPECT_EQ(probes_, 3);
}

TEST_F(QemuCapsCacheTest, WrongTypesInTheFileAreProbedAgain) {
  QemuCapsCache cache(cacheDir(), fs_, prober());
  ASSERT_TRUE(cache.load(binary_));
  std::string path = cache.cachePath(binary_);
  auto doc = nlohmann::json::parse(*fs_.readFile(path));
  doc["formatVersion"] = "1";
  ASSERT_TRUE(fs_.writeFileAtomic(path, doc.dump()));
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 2);
  doc = nlohmann::json::parse(*fs_.readFile(path));
  doc["caps"]["accels"] = 3;
  ASSERT_TRUE(fs_.writeFileAtomic(path, doc.dump()));
  ASSERT_TRUE(QemuCapsCache(cacheDir(), fs_, prober()).load(binary_));
  EXPECT_EQ(probes_, 3);
}

TEST_F(QemuCapsCacheTest, FailuresAreErrorsAndNotCached) {
  failProbe_ = true;
  QemuCapsCache cache(cacheDir(), fs_, prober());
  auto failed = cache.load(binary_);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "probe failed");
  EXPECT_FALSE(fs_.exists(cache.cachePath(binary_)));
  failProbe_ = false;
  ASSERT_TRUE(cache.load(binary_));
  EXPECT_EQ(probes_, 2);

  auto missing = cache.load(dir_ + "/no-such-qemu");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::SystemError);
  EXPECT_EQ(probes_, 2);
}

}  // namespace
}  // namespace virtus::qemu
