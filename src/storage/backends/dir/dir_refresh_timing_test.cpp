// A manual timing harness for the dir pool refresh (the benchmarks proper live in bench/).
// Disabled by default; run it from a Release build:
//   storage_tests --gtest_also_run_disabled_tests --gtest_filter='DirRefreshTiming.*'
// VIRTUS_REFRESH_FILES sets the number of files (default 10000, half sparse 1 GiB raw, half
// qcow2), VIRTUS_REFRESH_DIR an existing directory to reuse between runs (it is filled when
// empty and kept); without it a temporary directory is made and removed. VIRTUS_REFRESH_RUNS
// sets the runs per figure (median reported).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/dir/dir_test_support.h"
#include "storage/formats/qcow2_writer.h"

namespace virtus::storage::dir {
namespace {

std::size_t envSize(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10))
                                    : fallback;
}

// Half raw (sparse 1 GiB), half qcow2 (1 GiB virtual), named vol-NNNNN.{img,qcow2}.
void populate(const std::string& dir, std::size_t count) {
  formats::Qcow2Options opts;
  opts.virtualSize = 1ull << 30;
  auto layout = formats::layoutQcow2(opts);
  ASSERT_TRUE(layout);
  for (std::size_t i = 0; i < count; ++i) {
    char name[64];
    const bool raw = i % 2 == 0;
    std::snprintf(name, sizeof name, "/vol-%05zu.%s", i, raw ? "img" : "qcow2");
    std::string path = dir + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << path;
    if (raw) {
      ASSERT_EQ(::ftruncate(fd, 1ll << 30), 0);
    } else {
      for (const auto& [offset, bytes] : layout->writes) {
        ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)),
                  static_cast<ssize_t>(bytes.size()));
      }
      ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(layout->fileSize)), 0);
    }
    ::close(fd);
  }
}

double medianMs(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A wall clock ahead of the files' timestamps, so that freshly made files count as settled.
class LaterClock final : public os::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::now() + std::chrono::hours(1);
  }
};

TEST(DirRefreshTiming, DISABLED_TenThousandVolumes) {
  const std::size_t count = envSize("VIRTUS_REFRESH_FILES", 10000);
  const std::size_t runs = envSize("VIRTUS_REFRESH_RUNS", 7);
  std::string dir;
  bool temporary = false;
  if (const char* given = std::getenv("VIRTUS_REFRESH_DIR"); given != nullptr && *given) {
    dir = given;
    std::filesystem::create_directories(dir);
  } else {
    dir = testing::makeTempDir("virtus-refresh-timing");
    temporary = true;
  }
  if (std::filesystem::is_empty(dir)) {
    auto t0 = std::chrono::steady_clock::now();
    populate(dir, count);
    std::printf(
        "populated %zu files in %.0f ms\n", count,
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }

  os::LinuxFileSystem fs;
  LaterClock clock;
  virtus::testing::FakeCommandRunner runner;
  // VIRTUS_REFRESH_THREADS=N measures N threads only; VIRTUS_REFRESH_COLD=0 skips the
  // first-refresh runs (to profile the repeated ones).
  std::vector<std::size_t> threadCounts{1, 2, 4, 8};
  if (std::size_t only = envSize("VIRTUS_REFRESH_THREADS", 0); only != 0)
    threadCounts = {only};
  const bool measureCold = envSize("VIRTUS_REFRESH_COLD", 1) != 0;
  for (std::size_t threads : threadCounts) {
    DirBackend backend(BackendContext{runner, fs, clock}, threads);
    auto refreshOnce = [&](PoolRuntime& pool) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = backend.refreshPool(pool);
      auto t1 = std::chrono::steady_clock::now();
      EXPECT_TRUE(r) << (r ? "" : r.error().message);
      return std::chrono::duration<double, std::milli>(t1 - t0).count();
    };
    PoolRuntime warm;
    warm.def.type = model::PoolType::Dir;
    warm.def.name = "timing";
    warm.def.target.path = dir;
    refreshOnce(warm);  // page cache warm-up, and the cache of the repeated runs
    ASSERT_EQ(warm.volumes.size(), count);
    std::vector<double> cold, repeated;
    for (std::size_t i = 0; i < runs; ++i) {
      if (measureCold) {
        PoolRuntime fresh;
        fresh.def = warm.def;
        cold.push_back(refreshOnce(fresh));
      }
      repeated.push_back(refreshOnce(warm));
    }
    // What the manager adds around each call today: a copy of the runtime (its volumes).
    std::vector<double> copies;
    for (std::size_t i = 0; i < runs; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      PoolRuntime copy = warm;
      copies.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      EXPECT_EQ(copy.volumes.size(), count);
    }
    const double c = measureCold ? medianMs(cold) : 0, r = medianMs(repeated);
    std::printf("threads %zu: a copy of the PoolRuntime costs %.1f ms\n", threads,
                medianMs(copies));
    std::printf(
        "threads %zu: first refresh %.1f ms (%.2f us/vol), repeated %.1f ms (%.2f us/vol)\n",
        threads, c, c * 1000 / count, r, r * 1000 / count);
  }
  if (temporary)
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace virtus::storage::dir
