#include "os/signal_waiter.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

namespace virtus::os {
namespace {

bool blockedInThisThread(int signo) {
  sigset_t current;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &current);
  return sigismember(&current, signo) == 1;
}

TEST(SignalWaiter, HangupMeansReload) {
  auto waiter = SignalWaiter::create();
  ASSERT_TRUE(waiter) << waiter.error().text();
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
  int signo = 0;
  auto got = waiter->wait(&signo);
  ASSERT_TRUE(got);
  ASSERT_TRUE(*got);
  EXPECT_EQ(**got, DaemonSignal::Reload);
  EXPECT_EQ(signo, SIGHUP);
}

TEST(SignalWaiter, TerminateAndInterruptMeanStop) {
  auto waiter = SignalWaiter::create();
  ASSERT_TRUE(waiter);
  for (int sent : {SIGTERM, SIGINT}) {
    ASSERT_EQ(::kill(::getpid(), sent), 0);
    int signo = 0;
    auto got = waiter->wait(&signo);
    ASSERT_TRUE(got);
    ASSERT_TRUE(*got);
    EXPECT_EQ(**got, DaemonSignal::Stop);
    EXPECT_EQ(signo, sent);
  }
}

TEST(SignalWaiter, SignalsAreBlockedInThreadsStartedAfterwards) {
  auto waiter = SignalWaiter::create();
  ASSERT_TRUE(waiter);
  bool blocked = false;
  std::thread t([&] {
    blocked =
        blockedInThisThread(SIGTERM) && blockedInThisThread(SIGINT) && blockedInThisThread(SIGHUP);
  });
  t.join();
  EXPECT_TRUE(blocked);
}

TEST(SignalWaiter, ASignalSentToTheProcessReachesTheWaitingThread) {
  auto waiter = SignalWaiter::create();
  ASSERT_TRUE(waiter);
  Result<std::optional<DaemonSignal>> got = std::optional<DaemonSignal>();
  std::thread t([&] { got = waiter->wait(); });
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  t.join();
  ASSERT_TRUE(got);
  ASSERT_TRUE(*got);
  EXPECT_EQ(**got, DaemonSignal::Stop);
}

TEST(SignalWaiter, InterruptEndsAWaitWithoutASignal) {
  auto waiter = SignalWaiter::create();
  ASSERT_TRUE(waiter);
  Result<std::optional<DaemonSignal>> got = std::optional<DaemonSignal>(DaemonSignal::Stop);
  std::thread t([&] { got = waiter->wait(); });
  waiter->interrupt();
  t.join();
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
}

TEST(SignalWaiter, DestructionDiscardsPendingSignalsAndRestoresTheMask) {
  ASSERT_FALSE(blockedInThisThread(SIGHUP));
  {
    auto waiter = SignalWaiter::create();
    ASSERT_TRUE(waiter);
    EXPECT_TRUE(blockedInThisThread(SIGHUP));
    // Left pending: delivering it after the mask is restored would kill the test.
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
  }
  EXPECT_FALSE(blockedInThisThread(SIGHUP));
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGHUP), 0);
}

}  // namespace
}  // namespace virtus::os
