#include "storage/backends/rbd/rbd_watchdog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace virtus::storage::rbd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A blocking call the test releases (bounded: it also gives up by itself after 10 s).
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  std::atomic<bool> finished{false};
  void release() {
    {
      std::lock_guard l(m);
      open = true;
    }
    cv.notify_all();
  }
  void waitOpen() {
    std::unique_lock l(m);
    cv.wait_for(l, 10s, [&] { return open; });
  }
};

TEST(RbdWatchdog, ReturnsTheResultOfAFastCall) {
  Watchdog dog(2000ms);
  auto r = dog.run<int>("p", "add", [](Heartbeat&) -> Result<int> { return 42; });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 42);
  auto e = dog.run<int>("p", "fail", [](Heartbeat&) -> Result<int> {
    return makeError(ErrorCode::NoStorageVol, ErrorDomain::Storage, "x");
  });
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::NoStorageVol);
}

TEST(RbdWatchdog, ABlockedCallTimesOutAndTheCallerIsNotHeld) {
  auto gate = std::make_shared<Gate>();
  Watchdog dog(300ms);
  auto start = Clock::now();
  auto r = dog.run<int>("ceph", "refresh", [gate](Heartbeat&) -> Result<int> {
    gate->waitOpen();
    gate->finished = true;
    return 1;
  });
  auto elapsed = Clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  EXPECT_NE(r.error().message.find("'refresh'"), std::string::npos);
  EXPECT_NE(r.error().message.find("'ceph'"), std::string::npos);
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 1500ms);
  EXPECT_FALSE(gate->finished);  // still blocked: the caller left without it
  gate->release();
  for (int i = 0; i < 500 && !gate->finished; ++i)
    std::this_thread::sleep_for(10ms);  // polling a result, bounded: not synchronisation
  EXPECT_TRUE(gate->finished);
}

TEST(RbdWatchdog, HeartbeatsKeepALongCallAlive) {
  Watchdog dog(200ms);
  auto start = Clock::now();
  auto r = dog.run<int>("p", "wipe", [](Heartbeat& hb) -> Result<int> {
    for (int i = 0; i < 8; ++i) {
      std::this_thread::sleep_for(100ms);  // the work being timed, not synchronisation
      hb.beat();
    }
    return 8;
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 8);
  EXPECT_GE(Clock::now() - start, 800ms);
}

TEST(RbdWatchdog, AnAbandonedCallSeesIt) {
  auto gate = std::make_shared<Gate>();
  auto sawAbandoned = std::make_shared<std::atomic<int>>(-1);
  Watchdog dog(100ms);
  auto r = dog.run<int>("p", "x", [gate, sawAbandoned](Heartbeat& hb) -> Result<int> {
    gate->waitOpen();
    *sawAbandoned = hb.abandoned() ? 1 : 0;
    return 0;
  });
  ASSERT_FALSE(r);
  gate->release();
  for (int i = 0; i < 500 && *sawAbandoned < 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(*sawAbandoned, 1);
}

}  // namespace
}  // namespace virtus::storage::rbd
