// A new manager on the same root: configs, active pools and autostart come back.
#include <gtest/gtest.h>

#include <fstream>

#include "storage/pool_manager.h"
#include "storage/pool_manager_test_support.h"

namespace virtus::storage::testing {
namespace {

class PoolManagerRestartTest : public ManagerFixture {};

TEST_F(PoolManagerRestartTest, RestoresDefinitionsActivePoolsAndAutostart) {
  storage_.pools = {"/fake/running", "/fake/auto", "/fake/t"};
  {
    auto m = makeManager();
    auto running = *m->definePool(poolXml("running", kUuidA), 0);
    ASSERT_TRUE(m->startPool(running, 0));
    auto a = *m->definePool(poolXml("auto", kUuidB), 0);
    ASSERT_TRUE(m->setPoolAutostart(a, true));
    ASSERT_TRUE(m->definePool(poolXml("idle", "33333333-2222-3333-4444-555555555555"), 0));
    ASSERT_TRUE(m->createPool(poolXml("t", "44444444-2222-3333-4444-555555555555"), 0));
  }
  storage_.calls.clear();
  auto m = makeManager();
  EXPECT_TRUE(problems_.empty());
  EXPECT_TRUE(*m->poolIsActive(*m->lookupPoolByName("running")));
  EXPECT_TRUE(storage_.called("checkPool running"));
  EXPECT_TRUE(storage_.called("refreshPool running"));
  EXPECT_TRUE(*m->poolIsActive(*m->lookupPoolByName("auto")));
  EXPECT_TRUE(*m->poolAutostart(*m->lookupPoolByName("auto")));
  EXPECT_TRUE(fileExists("run/storage/auto.xml"));
  EXPECT_FALSE(*m->poolIsActive(*m->lookupPoolByName("idle")));
  auto t = m->lookupPoolByName("t");
  ASSERT_TRUE(t);
  EXPECT_TRUE(*m->poolIsActive(*t));
  EXPECT_FALSE(*m->poolIsPersistent(*t));
  EXPECT_EQ(m->poolInfo(*t)->capacity, 1000000u);
}

TEST_F(PoolManagerRestartTest, PoolWhoseStorageVanishedBecomesInactive) {
  storage_.pools = {"/fake/p", "/fake/t"};
  {
    auto m = makeManager();
    ASSERT_TRUE(m->startPool(*m->definePool(poolXml("p", kUuidA), 0), 0));
    ASSERT_TRUE(m->createPool(poolXml("t", kUuidB), 0));
  }
  storage_.pools.clear();
  auto m = makeManager();
  EXPECT_FALSE(*m->poolIsActive(*m->lookupPoolByName("p")));
  EXPECT_FALSE(fileExists("run/storage/p.xml"));
  EXPECT_FALSE(m->lookupPoolByName("t"));
  EXPECT_FALSE(fileExists("run/storage/t.xml"));
}

TEST_F(PoolManagerRestartTest, CheckFailureIsReported) {
  storage_.pools = {"/fake/p"};
  {
    auto m = makeManager();
    ASSERT_TRUE(m->startPool(*m->definePool(poolXml("p", kUuidA), 0), 0));
  }
  storage_.failures.emplace("checkPool",
                            makeError(ErrorCode::InternalError, ErrorDomain::Storage, "bad"));
  auto m = makeManager();
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_EQ(problems_[0].message, "Failed to initialize storage pool 'p': internal error: bad");
  EXPECT_FALSE(*m->poolIsActive(*m->lookupPoolByName("p")));
}

TEST_F(PoolManagerRestartTest, FailedAutostartIsReportedNotFatal) {
  {
    auto m = makeManager();
    ASSERT_TRUE(m->setPoolAutostart(*m->definePool(poolXml("p", kUuidA), 0), true));
  }
  auto m = makeManager();  // /fake/p does not exist
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_EQ(problems_[0].message,
            "Failed to autostart storage pool 'p': Requested operation is not valid: cannot "
            "open directory '/fake/p'");
  EXPECT_FALSE(*m->poolIsActive(*m->lookupPoolByName("p")));
}

TEST_F(PoolManagerRestartTest, BrokenConfigIsReportedAndKept) {
  {
    auto m = makeManager();
    ASSERT_TRUE(m->definePool(poolXml("good", kUuidA), 0));
  }
  std::string broken = root_.path() + "/etc/storage/broken.xml";
  std::ofstream(broken) << "<pool type='dir'><name>broken";
  std::ofstream(root_.path() + "/etc/storage/other.xml") << poolXml("mismatch", kUuidB);
  auto m = makeManager();
  EXPECT_EQ(problems_.size(), 2u);
  EXPECT_TRUE(fileExists("etc/storage/broken.xml"));
  EXPECT_TRUE(m->lookupPoolByName("good"));
  EXPECT_FALSE(m->lookupPoolByName("mismatch"));
  bool namedMismatch = false;
  for (const auto& e : problems_) {
    if (e.message.find("does not match pool name 'mismatch'") != std::string::npos) {
      namedMismatch = true;
    }
  }
  EXPECT_TRUE(namedMismatch);
}

TEST_F(PoolManagerRestartTest, NoAutostartWhenAskedNot) {
  storage_.pools = {"/fake/p"};
  {
    auto m = makeManager();
    ASSERT_TRUE(m->setPoolAutostart(*m->definePool(poolXml("p", kUuidA), 0), true));
  }
  auto m = makeManager(allFeatures(), true, false);
  EXPECT_FALSE(*m->poolIsActive(*m->lookupPoolByName("p")));
}

}  // namespace
}  // namespace virtus::storage::testing
