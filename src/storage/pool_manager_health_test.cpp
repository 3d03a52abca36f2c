// A pool's health: a backend call that timed out makes the pool unhealthy with the reason,
// the next one that succeeds makes it healthy again, and other errors leave it as it was.
#include <gtest/gtest.h>

#include <chrono>

#include "storage/pool_manager.h"
#include "storage/pool_manager_test_support.h"

namespace virtus::storage::testing {
namespace {

using driver::PoolHandle;

Error timeout(const std::string& what) {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::Storage,
                   "operation '" + what + "' on storage pool 'p' timed out after 30000 ms");
}

class PoolManagerHealthTest : public ManagerFixture {
 protected:
  void SetUp() override {
    m_ = makeManager();
    storage_.pools = {"/fake/p"};
    pool_ = *m_->definePool(poolXml("p", kUuidA), 0);
    ASSERT_TRUE(m_->startPool(pool_, 0));
    ASSERT_TRUE(m_->createVol(pool_, volXml("v"), 0));
  }
  driver::PoolHealth health() { return m_->poolStatus(pool_)->health; }

  std::unique_ptr<PoolManager> m_;
  PoolHandle pool_;
};

TEST_F(PoolManagerHealthTest, ATimeoutMakesThePoolUnhealthyUntilACallSucceeds) {
  EXPECT_TRUE(health().healthy);
  EXPECT_EQ(health().reason, "");

  const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  storage_.failures.emplace("wipeVol", timeout("wipe"));
  auto vol = *m_->lookupVolByName(pool_, "v");
  auto wiped = m_->wipeVol(vol, driver::WipeAlgorithm::Zero, 0, nullptr);
  ASSERT_FALSE(wiped);
  auto h = health();
  EXPECT_FALSE(h.healthy);
  EXPECT_EQ(h.reason, "operation 'wipe' on storage pool 'p' timed out after 30000 ms");
  EXPECT_GE(h.since, before);
  EXPECT_LE(h.since, before + 60);

  // Another kind of error says nothing about the storage answering.
  storage_.failures.emplace(
      "wipeVol", makeError(ErrorCode::InvalidArg, ErrorDomain::Storage, "unsupported algorithm 7"));
  ASSERT_FALSE(m_->wipeVol(vol, driver::WipeAlgorithm::Zero, 0, nullptr));
  EXPECT_FALSE(health().healthy);
  EXPECT_EQ(health().since, h.since);

  // A later timeout keeps the first one's time and gives the new reason.
  storage_.failures.emplace("resizeVol", timeout("resize"));
  ASSERT_FALSE(m_->resizeVol(vol, 8192, 0));
  EXPECT_EQ(health().since, h.since);
  EXPECT_NE(health().reason.find("'resize'"), std::string::npos);

  ASSERT_TRUE(m_->wipeVol(vol, driver::WipeAlgorithm::Zero, 0, nullptr));
  EXPECT_TRUE(health().healthy);
  EXPECT_EQ(health().reason, "");
  EXPECT_EQ(health().since, 0);
}

TEST_F(PoolManagerHealthTest, ARefreshThatTimesOutStopsThePoolAndLeavesItUnhealthy) {
  storage_.failures.emplace("refreshPool", timeout("refresh"));
  ASSERT_FALSE(m_->refreshPool(pool_, 0));
  EXPECT_FALSE(*m_->poolIsActive(pool_));  // as libvirt: a pool that cannot refresh stops
  EXPECT_FALSE(health().healthy);
  EXPECT_NE(health().reason.find("'refresh'"), std::string::npos);

  // A start that times out keeps it so; one that succeeds clears it.
  storage_.failures.emplace("startPool", timeout("start"));
  ASSERT_FALSE(m_->startPool(pool_, 0));
  EXPECT_NE(health().reason.find("'start'"), std::string::npos);
  ASSERT_TRUE(m_->startPool(pool_, 0));
  EXPECT_TRUE(health().healthy);
}

TEST_F(PoolManagerHealthTest, NoPoolNoHealth) {
  auto none = m_->poolStatus(PoolHandle{"nope", Uuid()});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::NoStoragePool);
}

}  // namespace
}  // namespace virtus::storage::testing
