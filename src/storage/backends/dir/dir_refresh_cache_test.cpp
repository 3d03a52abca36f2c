// The dir backend's probe cache: a refresh reuses what the previous one read from the headers
// of unchanged files (observed by counting opens, not by timing), probes again whatever
// changed, and always reports what a refresh without a cache reports.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/forwarding_file_system.h"
#include "os/linux_file_system.h"
#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/dir/dir_test_support.h"
#include "storage/backends/dir/probe_cache.h"
#include "storage/formats/qcow2_writer.h"

namespace virtus::storage::dir {
namespace {

// Counts the files opened, per path. The default openDirectory of the forwarding base turns
// the refresh's openAt into open(path), so every read of a header shows up here.
class CountingFileSystem final : public os::ForwardingFileSystem {
 public:
  using ForwardingFileSystem::ForwardingFileSystem;

  Result<os::FilePtr> open(const std::string& path, os::OpenMode mode,
                           std::uint32_t createMode = 0600) override {
    {
      std::lock_guard lock(mutex_);
      ++opens_[path];
    }
    return inner_.open(path, mode, createMode);
  }

  int opens(const std::string& path) {
    std::lock_guard lock(mutex_);
    return opens_[path];
  }
  int totalOpens() {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& [path, count] : opens_)
      n += count;
    return n;
  }
  void reset() {
    std::lock_guard lock(mutex_);
    opens_.clear();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> opens_;
};

// A wall clock `offset` away from the real one: an hour ahead makes every file written by a
// test settled, so that its probe may be cached at once.
class OffsetClock final : public os::Clock {
 public:
  explicit OffsetClock(std::chrono::seconds offset) : offset_(offset) {}
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::now() + offset_;
  }

 private:
  std::chrono::seconds offset_;
};

class DirRefreshCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::makeTempDir("virtus-refresh-cache");
    pool_.def.type = model::PoolType::Dir;
    pool_.def.name = "cached";
    pool_.def.target.path = root_ + "/pool";
    ASSERT_EQ(::mkdir(pool_.def.target.path.c_str(), 0755), 0);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string path(const std::string& name) const { return pool_.def.target.path + "/" + name; }

  void writeRaw(const std::string& name, std::uint64_t size, const std::string& head = "") {
    int fd = ::open(path(name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    if (!head.empty()) {
      ASSERT_EQ(::pwrite(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
    }
    ::close(fd);
  }

  // A qcow2 image made in place (O_TRUNC keeps the inode), or as `as` then renamed.
  void writeQcow2(const std::string& name, std::uint64_t virtualSize,
                  std::optional<std::string> backing = std::nullopt) {
    formats::Qcow2Options opts;
    opts.virtualSize = virtualSize;
    if (backing) {
      opts.backingFile = *backing;
      opts.backingFormat = formats::ImageFormat::Raw;
    }
    auto layout = formats::layoutQcow2(opts);
    ASSERT_TRUE(layout) << layout.error().message;
    int fd = ::open(path(name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    for (const auto& [offset, bytes] : layout->writes) {
      ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)),
                static_cast<ssize_t>(bytes.size()));
    }
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(layout->fileSize)), 0);
    ::close(fd);
  }

  // Timestamps are clock ticks: let one pass so that a change gets a ctime of its own.
  static void nextTick() { std::this_thread::sleep_for(std::chrono::milliseconds(25)); }

  const model::VolDef* find(const PoolRuntime& pool, const std::string& name) {
    for (const auto& v : pool.volumes)
      if (v.name == name)
        return &v;
    return nullptr;
  }

  // The volumes sorted by name, with atime cleared: a refresh that reads a file may itself
  // move its atime, which is no difference between the refreshes.
  static std::vector<model::VolDef> comparable(std::vector<model::VolDef> vols) {
    std::sort(vols.begin(), vols.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    for (auto& v : vols)
      if (v.target.timestamps)
        v.target.timestamps->atime = {};
    return vols;
  }

  // What a refresh without any cache reports for the same directory.
  void expectSameAsColdRefresh() {
    PoolRuntime cold;
    cold.def = pool_.def;
    os::LinuxFileSystem fs;
    DirBackend fresh(BackendContext{runner_, fs, laterClock_}, 1);
    ASSERT_TRUE(fresh.refreshPool(cold));
    EXPECT_EQ(comparable(pool_.volumes), comparable(cold.volumes));
    EXPECT_EQ(pool_.unreadable.size(), cold.unreadable.size());
  }

  Result<void> refresh() {
    counting_.reset();
    return backend_.refreshPool(pool_);
  }

  std::string root_;
  PoolRuntime pool_;
  os::LinuxFileSystem linux_;
  CountingFileSystem counting_{linux_};
  OffsetClock laterClock_{std::chrono::hours(1)};
  virtus::testing::FakeCommandRunner runner_;
  DirBackend backend_{BackendContext{runner_, counting_, laterClock_}, 1};
};

TEST_F(DirRefreshCacheTest, UnchangedFilesAreOnlyStatted) {
  writeRaw("base.img", 1 << 20);
  writeQcow2("disk.qcow2", 1 << 30, "base.img");
  writeRaw("small.img", 512, "hello");
  ASSERT_EQ(::mkdir(path("subdir").c_str(), 0750), 0);

  ASSERT_TRUE(refresh());
  EXPECT_EQ(pool_.volumes.size(), 4u);
  EXPECT_EQ(counting_.opens(path("disk.qcow2")), 1);
  EXPECT_EQ(counting_.opens(path("base.img")), 1);
  ASSERT_NE(pool_.refreshCache, nullptr);

  ASSERT_TRUE(refresh());
  EXPECT_EQ(counting_.opens(path("disk.qcow2")), 0);
  EXPECT_EQ(counting_.opens(path("base.img")), 0);
  EXPECT_EQ(counting_.opens(path("small.img")), 0);
  EXPECT_EQ(counting_.totalOpens(), 0);  // nor the subdirectory
  ASSERT_EQ(pool_.volumes.size(), 4u);
  const auto* disk = find(pool_, "disk.qcow2");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->target.format, "qcow2");
  EXPECT_EQ(disk->capacity, 1u << 30);
  EXPECT_EQ(disk->target.compat, "1.1");
  ASSERT_TRUE(disk->backingStore);
  EXPECT_EQ(disk->backingStore->path, path("base.img"));
  EXPECT_EQ(disk->backingStore->format, "raw");
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, RewrittenFileIsProbedAgain) {
  writeQcow2("disk", 1 << 30);
  ASSERT_TRUE(refresh());
  struct stat before {};
  ASSERT_EQ(::stat(path("disk").c_str(), &before), 0);
  nextTick();
  // Same inode, same size: only the header and the times change.
  writeRaw("disk", static_cast<std::uint64_t>(before.st_size), "not an image");
  struct stat after {};
  ASSERT_EQ(::stat(path("disk").c_str(), &after), 0);
  ASSERT_EQ(after.st_ino, before.st_ino);
  ASSERT_EQ(after.st_size, before.st_size);

  ASSERT_TRUE(refresh());
  EXPECT_EQ(counting_.opens(path("disk")), 1);
  const auto* disk = find(pool_, "disk");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->target.format, "raw");
  EXPECT_EQ(disk->capacity, static_cast<std::uint64_t>(before.st_size));
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, TruncatedFileIsProbedAgain) {
  writeRaw("disk.img", 1 << 20);
  ASSERT_TRUE(refresh());
  ASSERT_EQ(::truncate(path("disk.img").c_str(), 3 << 20), 0);
  ASSERT_TRUE(refresh());
  EXPECT_EQ(counting_.opens(path("disk.img")), 1);
  const auto* disk = find(pool_, "disk.img");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->capacity, 3u << 20);
  EXPECT_EQ(disk->physical, 3u << 20);
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, FileReplacedUnderTheSameNameIsProbedAgain) {
  writeRaw("disk", 1 << 20);
  ASSERT_TRUE(refresh());
  // Another file (another inode), then renamed over the first.
  const std::string other = "incoming";
  writeQcow2(other, 1 << 30);
  ASSERT_EQ(::rename(path(other).c_str(), path("disk").c_str()), 0);
  ASSERT_TRUE(refresh());
  EXPECT_EQ(counting_.opens(path("disk")), 1);
  const auto* disk = find(pool_, "disk");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->target.format, "qcow2");
  EXPECT_EQ(disk->capacity, 1u << 30);
  EXPECT_EQ(find(pool_, other), nullptr);
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, ChmodShowsTheNewPermissions) {
  writeQcow2("disk.qcow2", 1 << 30);
  ASSERT_TRUE(refresh());
  ASSERT_EQ(find(pool_, "disk.qcow2")->target.perms.mode, 0644u);
  ASSERT_EQ(::chmod(path("disk.qcow2").c_str(), 0600), 0);
  ASSERT_TRUE(refresh());
  const auto* disk = find(pool_, "disk.qcow2");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->target.perms.mode, 0600u);
  EXPECT_EQ(disk->target.format, "qcow2");
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, ReusedHeaderGetsFreshBackingPermissions) {
  writeRaw("base.img", 1 << 20);
  writeQcow2("disk.qcow2", 1 << 30, "base.img");
  ASSERT_TRUE(refresh());
  ASSERT_EQ(find(pool_, "disk.qcow2")->backingStore->perms.mode, 0644u);
  ASSERT_EQ(::chmod(path("base.img").c_str(), 0400), 0);
  ASSERT_TRUE(refresh());
  EXPECT_EQ(counting_.opens(path("disk.qcow2")), 0);  // the overlay did not change
  const auto* disk = find(pool_, "disk.qcow2");
  ASSERT_NE(disk, nullptr);
  ASSERT_TRUE(disk->backingStore);
  EXPECT_EQ(disk->backingStore->perms.mode, 0400u);
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, RemovedFileDisappears) {
  writeRaw("a.img", 4096);
  writeRaw("b.img", 4096);
  ASSERT_TRUE(refresh());
  ASSERT_EQ(pool_.volumes.size(), 2u);
  ASSERT_EQ(::unlink(path("a.img").c_str()), 0);
  ASSERT_TRUE(refresh());
  ASSERT_EQ(pool_.volumes.size(), 1u);
  EXPECT_EQ(pool_.volumes[0].name, "b.img");
  EXPECT_TRUE(pool_.unreadable.empty());
  // Back under the same name, as another file: probed, not taken from the cache.
  writeQcow2("a.img", 1 << 30);
  ASSERT_TRUE(refresh());
  EXPECT_EQ(counting_.opens(path("a.img")), 1);
  ASSERT_NE(find(pool_, "a.img"), nullptr);
  EXPECT_EQ(find(pool_, "a.img")->target.format, "qcow2");
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, EntryTurnedIntoADirectoryOrADanglingLink) {
  writeRaw("x", 4096);
  writeRaw("y", 4096);
  ASSERT_TRUE(refresh());
  ASSERT_EQ(::unlink(path("x").c_str()), 0);
  ASSERT_EQ(::mkdir(path("x").c_str(), 0700), 0);
  ASSERT_EQ(::unlink(path("y").c_str()), 0);
  ASSERT_EQ(::symlink("missing", path("y").c_str()), 0);
  ASSERT_TRUE(refresh());
  ASSERT_EQ(pool_.volumes.size(), 1u);
  EXPECT_EQ(pool_.volumes[0].type, model::VolType::Dir);
  EXPECT_TRUE(pool_.unreadable.empty());
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, FilesChangedJustBeforeTheRefreshAreProbedAgain) {
  // With the real clock, files written a moment ago are not settled: within one timestamp
  // tick a second change could keep their ctime, so their probe is not reused.
  os::SystemClock clock;
  DirBackend backend(BackendContext{runner_, counting_, clock}, 1);
  writeQcow2("fresh.qcow2", 1 << 30);
  ASSERT_TRUE(backend.refreshPool(pool_));
  counting_.reset();
  ASSERT_TRUE(backend.refreshPool(pool_));
  EXPECT_EQ(counting_.opens(path("fresh.qcow2")), 1);
  EXPECT_EQ(find(pool_, "fresh.qcow2")->target.format, "qcow2");
}

TEST_F(DirRefreshCacheTest, CacheOfAnotherDirectoryIsNotUsed) {
  writeQcow2("disk", 1 << 30);
  ASSERT_TRUE(refresh());
  const std::string other = root_ + "/other";
  ASSERT_EQ(::mkdir(other.c_str(), 0755), 0);
  pool_.def.target.path = other;
  writeRaw("disk", 1 << 20);  // same name, in the other directory
  ASSERT_TRUE(refresh());
  EXPECT_EQ(counting_.opens(other + "/disk"), 1);
  ASSERT_EQ(pool_.volumes.size(), 1u);
  EXPECT_EQ(pool_.volumes[0].target.format, "raw");
  EXPECT_EQ(pool_.volumes[0].capacity, 1u << 20);
  expectSameAsColdRefresh();
}

TEST_F(DirRefreshCacheTest, RealDirectoryHandleGivesTheSameResults) {
  // The refresh through LinuxFileSystem's descriptor-relative directory, cached and not.
  writeRaw("base.img", 1 << 20);
  writeQcow2("disk.qcow2", 1 << 30, "base.img");
  ASSERT_EQ(::mkdir(path("subdir").c_str(), 0750), 0);
  ASSERT_EQ(::symlink("base.img", path("link.img").c_str()), 0);
  ASSERT_EQ(::symlink("missing", path("dangling").c_str()), 0);
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  DirBackend backend(BackendContext{runner_, linux_, laterClock_}, 4);
  ASSERT_TRUE(backend.refreshPool(pool_));
  ASSERT_TRUE(backend.refreshPool(pool_));
  EXPECT_EQ(pool_.volumes.size(), 4u);  // not the dangling link nor the FIFO
  const auto* link = find(pool_, "link.img");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->capacity, 1u << 20);
  expectSameAsColdRefresh();
}

TEST(ProbeCacheTest, SettledOnlyWellBeforeTheProbe) {
  using namespace std::chrono;
  const auto probe = system_clock::time_point(seconds(1000000));
  EXPECT_TRUE(isSettled(os::FileTime{1000000 - kSettleTime.count() - 1, 0}, probe));
  EXPECT_FALSE(isSettled(os::FileTime{1000000 - kSettleTime.count(), 0}, probe));
  EXPECT_FALSE(isSettled(os::FileTime{1000000, 5}, probe));
}

TEST(ProbeCacheTest, IdentityComparesEveryField) {
  os::FileStat st;
  st.device = 1;
  st.inode = 2;
  st.size = 3;
  st.mtime = {4, 5};
  st.ctime = {6, 7};
  const FileIdentity base = identityOf(st);
  EXPECT_EQ(identityOf(st), base);
  for (int field = 0; field < 6; ++field) {
    os::FileStat changed = st;
    switch (field) {
      case 0:
        changed.device = 9;
        break;
      case 1:
        changed.inode = 9;
        break;
      case 2:
        changed.size = 9;
        break;
      case 3:
        changed.mtime.nsec = 9;
        break;
      case 4:
        changed.ctime.sec = 9;
        break;
      case 5:
        changed.ctime.nsec = 9;
        break;
    }
    EXPECT_FALSE(identityOf(changed) == base) << field;
  }
  // Fields that are not the file's identity.
  os::FileStat other = st;
  other.mode = 0777;
  other.atime = {1, 1};
  other.allocated = 4096;
  EXPECT_EQ(identityOf(other), base);
}

}  // namespace
}  // namespace virtus::storage::dir
