#include "storage/pool_manager.h"

#include <gtest/gtest.h>

#include "model/storage/pool_xml.h"
#include "storage/pool_manager_test_support.h"

namespace virtus::storage::testing {
namespace {

using driver::PoolHandle;
namespace lp = driver::list_pools;

class PoolManagerTest : public ManagerFixture {};

std::vector<std::string> names(const Result<std::vector<PoolHandle>>& r) {
  std::vector<std::string> out;
  if (r) {
    for (const auto& h : *r)
      out.push_back(h.name);
  }
  return out;
}

TEST_F(PoolManagerTest, DefineWritesTheConfigAndKeepsThePoolInactive) {
  auto m = makeManager();
  auto h = m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->name, "p");
  EXPECT_EQ(h->uuid.str(), kUuidA);
  ASSERT_TRUE(fileExists("etc/storage/p.xml"));
  auto saved = model::readPoolXml(readFile("etc/storage/p.xml"));
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->target.path, "/fake/p");
  EXPECT_EQ(*m->poolIsActive(*h), false);
  EXPECT_EQ(*m->poolIsPersistent(*h), true);
  EXPECT_EQ(*m->poolAutostart(*h), false);
  EXPECT_EQ(m->lookupPoolByName("p")->uuid, h->uuid);
  EXPECT_EQ(m->lookupPoolByUuid(h->uuid)->name, "p");
  auto info = m->poolInfo(*h);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, driver::PoolState::Inactive);
  EXPECT_EQ(*m->poolXml(*h, 0), readFile("etc/storage/p.xml"));
  EXPECT_FALSE(fileExists("run/storage/p.xml"));
}

TEST_F(PoolManagerTest, DefineConflicts) {
  auto m = makeManager();
  ASSERT_TRUE(m->definePool(poolXml("p", kUuidA), 0));
  auto sameName = m->definePool(poolXml("p", kUuidB), 0);
  ASSERT_FALSE(sameName);
  EXPECT_EQ(sameName.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(sameName.error().message, std::string("pool 'p' already exists with uuid ") + kUuidA);
  auto sameUuid = m->definePool(poolXml("q", kUuidA), 0);
  ASSERT_FALSE(sameUuid);
  EXPECT_EQ(sameUuid.error().message,
            std::string("pool 'p' is already defined with uuid ") + kUuidA);
  EXPECT_FALSE(fileExists("etc/storage/q.xml"));
  EXPECT_EQ(names(m->listAllPools(0)), std::vector<std::string>{"p"});
}

TEST_F(PoolManagerTest, BadXmlDefinesNothing) {
  auto m = makeManager();
  auto r = m->definePool("<pool type='dir'><name>p</name>", 0);
  ASSERT_FALSE(r);
  EXPECT_FALSE(fileExists("etc/storage/p.xml"));
  EXPECT_TRUE(names(m->listAllPools(0)).empty());
}

TEST_F(PoolManagerTest, UnsupportedFlagsAreRejected) {
  auto m = makeManager();
  auto r = m->definePool(poolXml("p", kUuidA), 0x10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(r.error().message, "unsupported flags (0x10) in function virStoragePoolDefineXML");
}

TEST_F(PoolManagerTest, RedefiningAnInactivePoolUpdatesIt) {
  auto m = makeManager();
  ASSERT_TRUE(m->definePool(poolXml("p", kUuidA, "/one"), 0));
  auto h = m->definePool(poolXml("p", kUuidA, "/two"), 0);
  ASSERT_TRUE(h);
  EXPECT_NE(m->poolXml(*h, 0)->find("<path>/two</path>"), std::string::npos);
  EXPECT_NE(readFile("etc/storage/p.xml").find("<path>/two</path>"), std::string::npos);
}

TEST_F(PoolManagerTest, RedefiningAnActivePoolWaitsForItsStop) {
  auto m = makeManager();
  storage_.pools = {"/one"};
  auto h = m->definePool(poolXml("p", kUuidA, "/one"), 0);
  ASSERT_TRUE(m->startPool(*h, 0));
  ASSERT_TRUE(m->definePool(poolXml("p", kUuidA, "/two"), 0));
  EXPECT_NE(m->poolXml(*h, 0)->find("<path>/one</path>"), std::string::npos);
  EXPECT_NE(m->poolXml(*h, driver::xml_flags::kInactive)->find("<path>/two</path>"),
            std::string::npos);
  EXPECT_NE(readFile("etc/storage/p.xml").find("<path>/two</path>"), std::string::npos);
  ASSERT_TRUE(m->destroyPool(*h));
  EXPECT_NE(m->poolXml(*h, 0)->find("<path>/two</path>"), std::string::npos);
}

TEST_F(PoolManagerTest, StartRefreshDestroy) {
  auto m = makeManager();
  storage_.pools = {"/fake/p"};
  auto h = m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->startPool(*h, 0));
  EXPECT_TRUE(*m->poolIsActive(*h));
  EXPECT_TRUE(fileExists("run/storage/p.xml"));
  auto info = m->poolInfo(*h);
  EXPECT_EQ(info->state, driver::PoolState::Running);
  EXPECT_EQ(info->capacity, 1000000u);
  EXPECT_EQ(info->available, 1000000u);
  auto again = m->startPool(*h, 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "storage pool 'p' is already active");
  EXPECT_TRUE(m->refreshPool(*h, 0));
  auto del = m->deletePool(*h, 0);
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().message, "storage pool 'p' is still active");
  auto undef = m->undefinePool(*h);
  ASSERT_FALSE(undef);
  EXPECT_EQ(undef.error().message, "storage pool 'p' is still active");
  ASSERT_TRUE(m->destroyPool(*h));
  EXPECT_FALSE(fileExists("run/storage/p.xml"));
  EXPECT_TRUE(storage_.called("stopPool p"));
  auto refresh = m->refreshPool(*h, 0);
  ASSERT_FALSE(refresh);
  EXPECT_EQ(refresh.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(refresh.error().message, "storage pool 'p' is not active");
  EXPECT_EQ(m->destroyPool(*h).error().message, "storage pool 'p' is not active");
  ASSERT_TRUE(m->deletePool(*h, 0));
  EXPECT_TRUE(storage_.called("deletePool p"));
}

TEST_F(PoolManagerTest, FailedStartLeavesThePoolInactiveAndIntact) {
  auto m = makeManager();
  auto h = m->definePool(poolXml("p", kUuidA), 0);
  auto r = m->startPool(*h, 0);  // its directory does not exist
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot open directory '/fake/p'");
  EXPECT_FALSE(*m->poolIsActive(*h));
  EXPECT_FALSE(fileExists("run/storage/p.xml"));
  EXPECT_TRUE(fileExists("etc/storage/p.xml"));

  storage_.pools = {"/fake/p"};
  storage_.failures.emplace(
      "refreshPool", makeError(ErrorCode::InternalError, ErrorDomain::Storage, "refresh broke"));
  r = m->startPool(*h, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "refresh broke");
  EXPECT_TRUE(storage_.called("stopPool p"));
  EXPECT_FALSE(*m->poolIsActive(*h));
  EXPECT_FALSE(fileExists("run/storage/p.xml"));
  ASSERT_TRUE(m->startPool(*h, 0));
}

TEST_F(PoolManagerTest, StartWithBuildBuildsFirst) {
  auto m = makeManager();
  auto h = m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->startPool(*h, driver::create_pool::kWithBuildOverwrite));
  EXPECT_TRUE(storage_.called("buildPool p " + std::to_string(driver::build_pool::kOverwrite)));
  EXPECT_TRUE(*m->poolIsActive(*h));
}

TEST_F(PoolManagerTest, BuildOnlyInactivePools) {
  auto m = makeManager();
  auto h = m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->buildPool(*h, 0));
  EXPECT_TRUE(storage_.called("buildPool p 0"));
  ASSERT_TRUE(m->startPool(*h, 0));
  EXPECT_EQ(m->buildPool(*h, 0).error().message, "storage pool 'p' is already active");
}

TEST_F(PoolManagerTest, TransientPoolLivesWhileActive) {
  auto m = makeManager();
  storage_.pools = {"/fake/t"};
  auto h = m->createPool(poolXml("t", kUuidB), 0);
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_TRUE(*m->poolIsActive(*h));
  EXPECT_FALSE(*m->poolIsPersistent(*h));
  EXPECT_FALSE(fileExists("etc/storage/t.xml"));
  EXPECT_TRUE(fileExists("run/storage/t.xml"));
  auto autostart = m->setPoolAutostart(*h, true);
  ASSERT_FALSE(autostart);
  EXPECT_EQ(autostart.error().message, "pool has no config file");
  auto dup = m->createPool(poolXml("t", kUuidB), 0);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().message, "pool is already active as 't'");
  ASSERT_TRUE(m->destroyPool(*h));
  auto gone = m->lookupPoolByName("t");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NoStoragePool);
  EXPECT_EQ(gone.error().message, "no storage pool with matching name 't'");
  EXPECT_FALSE(fileExists("run/storage/t.xml"));
}

TEST_F(PoolManagerTest, FailedCreateLeavesNothing) {
  auto m = makeManager();
  auto r = m->createPool(poolXml("t", kUuidB), 0);
  ASSERT_FALSE(r);
  EXPECT_TRUE(names(m->listAllPools(0)).empty());
  EXPECT_FALSE(fileExists("run/storage/t.xml"));
}

TEST_F(PoolManagerTest, CreateWithBuild) {
  auto m = makeManager();
  auto r = m->createPool(poolXml("t", kUuidB), driver::create_pool::kWithBuild);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(storage_.called("buildPool t 0"));
}

TEST_F(PoolManagerTest, UndefineRemovesConfigAndAutostart) {
  auto m = makeManager();
  auto h = m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->setPoolAutostart(*h, true));
  EXPECT_TRUE(*m->poolAutostart(*h));
  ASSERT_TRUE(fileExists("etc/storage/autostart/p.xml"));
  EXPECT_EQ(std::filesystem::read_symlink(root_.path() + "/etc/storage/autostart/p.xml"),
            "../p.xml");
  EXPECT_EQ(readFile("etc/storage/autostart/p.xml"), readFile("etc/storage/p.xml"));
  ASSERT_TRUE(m->undefinePool(*h));
  EXPECT_FALSE(fileExists("etc/storage/p.xml"));
  EXPECT_FALSE(fileExists("etc/storage/autostart/p.xml"));
  auto r = m->poolInfo(*h);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            std::string("no storage pool with matching uuid '") + kUuidA + "' (p)");
}

TEST_F(PoolManagerTest, AutostartCanBeTurnedOff) {
  auto m = makeManager();
  auto h = m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->setPoolAutostart(*h, true));
  ASSERT_TRUE(m->setPoolAutostart(*h, false));
  EXPECT_FALSE(*m->poolAutostart(*h));
  EXPECT_FALSE(fileExists("etc/storage/autostart/p.xml"));
}

TEST_F(PoolManagerTest, LookupErrors) {
  auto m = makeManager();
  auto byName = m->lookupPoolByName("nope");
  EXPECT_EQ(byName.error().code, ErrorCode::NoStoragePool);
  auto byUuid = m->lookupPoolByUuid(*Uuid::parse(kUuidB));
  ASSERT_FALSE(byUuid);
  EXPECT_EQ(byUuid.error().message,
            std::string("no storage pool with matching uuid '") + kUuidB + "'");
}

TEST_F(PoolManagerTest, ListFilters) {
  auto m = makeManager();
  storage_.pools = {"/fake/a", "/fake/t"};
  auto a = m->definePool(poolXml("a", kUuidA), 0);
  ASSERT_TRUE(m->startPool(*a, 0));
  ASSERT_TRUE(m->setPoolAutostart(*a, true));
  ASSERT_TRUE(m->definePool(poolXml("b", "22222222-2222-3333-4444-555555555555"), 0));
  ASSERT_TRUE(m->createPool(poolXml("t", kUuidB), 0));

  using V = std::vector<std::string>;
  EXPECT_EQ(names(m->listAllPools(0)), (V{"a", "b", "t"}));
  EXPECT_EQ(names(m->listAllPools(lp::kActive)), (V{"a", "t"}));
  EXPECT_EQ(names(m->listAllPools(lp::kInactive)), (V{"b"}));
  EXPECT_EQ(names(m->listAllPools(lp::kActive | lp::kInactive)), (V{"a", "b", "t"}));
  EXPECT_EQ(names(m->listAllPools(lp::kPersistent)), (V{"a", "b"}));
  EXPECT_EQ(names(m->listAllPools(lp::kTransient)), (V{"t"}));
  EXPECT_EQ(names(m->listAllPools(lp::kAutostart)), (V{"a"}));
  EXPECT_EQ(names(m->listAllPools(lp::kNoAutostart)), (V{"b", "t"}));
  EXPECT_EQ(names(m->listAllPools(lp::kDir)), (V{"a", "b", "t"}));
  EXPECT_EQ(names(m->listAllPools(lp::kFs | lp::kIscsiDirect)), V{});
  EXPECT_EQ(names(m->listAllPools(lp::kActive | lp::kPersistent)), (V{"a"}));
  EXPECT_FALSE(m->listAllPools(1u << 20));
}

// The backend's refresh cache (the dir backend's probe results) reaches the next refresh,
// and is dropped when the pool stops.
TEST_F(PoolManagerTest, RefreshCacheIsCarriedBetweenRefreshes) {
  auto m = makeManager();
  storage_.pools = {"/fake/p"};
  auto p = *m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->startPool(p, 0));
  ASSERT_TRUE(m->refreshPool(p, 0));
  ASSERT_TRUE(m->createVol(p, volXml("v"), 0));
  ASSERT_TRUE(m->refreshPool(p, 0));
  ASSERT_EQ(storage_.cachesSeen.size(), 3u);
  EXPECT_EQ(storage_.cachesSeen[0], nullptr);
  EXPECT_NE(storage_.cachesSeen[1], nullptr);
  EXPECT_EQ(storage_.cachesSeen[2], storage_.cachesSeen[1]);
  ASSERT_TRUE(m->destroyPool(p));
  ASSERT_TRUE(m->startPool(p, 0));
  ASSERT_EQ(storage_.cachesSeen.size(), 4u);
  EXPECT_EQ(storage_.cachesSeen[3], nullptr);
}

TEST_F(PoolManagerTest, TypeWithoutBackendCanBeDefinedButNotStarted) {
  BackendRegistry empty;
  PoolManager m(empty, context_, paths_);
  auto handle = m.definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(handle) << handle.error().text();
  auto info = m.poolInfo(*handle);
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_EQ(info->state, driver::PoolState::Inactive);
  EXPECT_TRUE(m.poolXml(*handle, 0));
  auto r = m.startPool(*handle, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "missing backend for pool type 0 (dir)");
  EXPECT_FALSE(m.createPool(poolXml("q", kUuidB), 0));
  EXPECT_TRUE(m.undefinePool(*handle));
}

}  // namespace
}  // namespace virtus::storage::testing
