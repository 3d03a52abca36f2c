#include "storage/backends/gluster/gluster_reaper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace virtus::storage::gluster {
namespace {

using namespace std::chrono_literals;

TEST(GlusterReaper, RunsTasksInTheBackgroundAndWaitsForThem) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> done{0};
  {
    GlusterReaper reaper(10s);
    for (int i = 0; i < 3; ++i) {
      reaper.run([gate, &done] {
        gate.wait();
        ++done;
      });
    }
    // run() returned while every task is blocked.
    EXPECT_EQ(reaper.pending(), 3u);
    EXPECT_FALSE(reaper.waitIdle(10ms));
    release.set_value();
    EXPECT_TRUE(reaper.waitIdle(10s));
    EXPECT_EQ(reaper.pending(), 0u);
  }
  EXPECT_EQ(done.load(), 3);
}

TEST(GlusterReaper, DestructorWaitsAtMostItsLimit) {
  auto gate = std::make_shared<std::promise<void>>();
  std::shared_future<void> blocked = gate->get_future().share();
  auto start = std::chrono::steady_clock::now();
  {
    GlusterReaper reaper(200ms);
    reaper.run([blocked] { blocked.wait(); });
  }
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 5s);
  gate->set_value();  // the task ends on its own thread, after the reaper is gone
}

}  // namespace
}  // namespace virtus::storage::gluster
