// Long operations run under a job guard with no lock held: readers never wait, and
// conflicting writers get libvirt's errors.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "storage/pool_manager.h"
#include "storage/pool_manager_test_support.h"

namespace virtus::storage::testing {
namespace {

using namespace std::chrono_literals;

class PoolManagerJobsTest : public ManagerFixture {};

TEST_F(PoolManagerJobsTest, BuildingVolumeBlocksConflictsButNotReaders) {
  auto m = makeManager();
  storage_.pools = {"/fake/p", "/fake/q"};
  auto p = *m->definePool(poolXml("p", kUuidA), 0);
  auto q = *m->definePool(poolXml("q", kUuidB), 0);
  ASSERT_TRUE(m->startPool(p, 0));
  ASSERT_TRUE(m->startPool(q, 0));
  auto old = *m->createVol(p, volXml("old"), 0);

  storage_.buildVolGate.arm();
  auto creating = std::async(std::launch::async, [&] { return m->createVol(p, volXml("new"), 0); });
  storage_.buildVolGate.waitEntered();

  // Readers answer at once, for this pool and others.
  auto reads = std::async(std::launch::async, [&] {
    EXPECT_TRUE(m->poolInfo(p));
    EXPECT_TRUE(m->poolXml(p, 0));
    EXPECT_EQ(m->listAllVolumes(p, 0)->size(), 2u);
    EXPECT_TRUE(m->lookupVolByName(p, "new"));
    EXPECT_TRUE(m->listAllPools(0));
    EXPECT_TRUE(m->poolInfo(q));
    EXPECT_TRUE(m->volInfo(old, 0));
    return true;
  });
  ASSERT_EQ(reads.wait_for(5s), std::future_status::ready);

  driver::VolHandle building{"p", "new", "/fake/p/new"};
  auto destroy = m->destroyPool(p);
  ASSERT_FALSE(destroy);
  EXPECT_EQ(destroy.error().code, ErrorCode::InternalError);
  EXPECT_EQ(destroy.error().message, "pool 'p' has asynchronous jobs running.");
  EXPECT_EQ(m->refreshPool(p, 0).error().message, "pool 'p' has asynchronous jobs running.");
  auto del = m->deleteVol(building, 0);
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(del.error().message, "volume 'new' is still being allocated.");
  EXPECT_EQ(m->wipeVol(building, driver::WipeAlgorithm::Zero, 0).error().message,
            "volume 'new' is still being allocated.");
  EXPECT_EQ(m->createVolFrom(p, "<volume><name>c</name></volume>", building, 0).error().message,
            "volume 'new' is still being allocated.");
  // Other pools are not affected.
  EXPECT_TRUE(m->refreshPool(q, 0));

  storage_.buildVolGate.release();
  ASSERT_TRUE(creating.get());
  EXPECT_TRUE(m->deleteVol(building, 0));
  EXPECT_TRUE(m->destroyPool(p));
}

// The backend's createVol may touch storage (the dir backend stats the target): it runs
// without the table lock, with the new name already reserved.
TEST_F(PoolManagerJobsTest, BackendCreateVolRunsWithoutTheLock) {
  auto m = makeManager();
  storage_.pools = {"/fake/p"};
  auto p = *m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->startPool(p, 0));

  storage_.createVolGate.arm();
  auto creating = std::async(std::launch::async, [&] { return m->createVol(p, volXml("new"), 0); });
  storage_.createVolGate.waitEntered();
  auto reads = std::async(std::launch::async, [&] {
    EXPECT_TRUE(m->poolInfo(p));
    EXPECT_TRUE(m->listAllPools(0));
    EXPECT_EQ(m->listAllVolumes(p, 0)->size(), 1u);
    return true;
  });
  const bool readersWaited = reads.wait_for(5s) != std::future_status::ready;
  // A second creation of the same name is refused at once: the name is taken.
  auto again = std::async(std::launch::async, [&] { return m->createVol(p, volXml("new"), 0); });
  const bool secondWaited = again.wait_for(5s) != std::future_status::ready;
  storage_.createVolGate.release();
  ASSERT_FALSE(readersWaited);
  ASSERT_FALSE(secondWaited);
  auto second = again.get();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::StorageVolExist);
  auto created = creating.get();
  ASSERT_TRUE(created) << created.error().text();
  EXPECT_EQ(created->key, "/fake/p/new");
}

TEST_F(PoolManagerJobsTest, VolumeInUseDuringWipe) {
  auto m = makeManager();
  storage_.pools = {"/fake/p"};
  auto p = *m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->startPool(p, 0));
  auto v = *m->createVol(p, volXml("v"), 0);
  storage_.wipeGate.arm();
  auto wiping =
      std::async(std::launch::async, [&] { return m->wipeVol(v, driver::WipeAlgorithm::Zero, 0); });
  storage_.wipeGate.waitEntered();
  EXPECT_EQ(m->deleteVol(v, 0).error().message, "volume 'v' is still in use.");
  EXPECT_EQ(m->resizeVol(v, 1 << 20, 0).error().message, "volume 'v' is still in use.");
  EXPECT_EQ(m->destroyPool(p).error().message, "pool 'p' has asynchronous jobs running.");
  EXPECT_TRUE(m->volInfo(v, 0));
  storage_.wipeGate.release();
  ASSERT_TRUE(wiping.get());
  EXPECT_TRUE(m->deleteVol(v, 0));
}

TEST_F(PoolManagerJobsTest, ReadersDoNotWaitForARefreshAndWritersDo) {
  auto m = makeManager();
  storage_.pools = {"/fake/p"};
  auto p = *m->definePool(poolXml("p", kUuidA), 0);
  ASSERT_TRUE(m->startPool(p, 0));
  storage_.refreshGate.arm();
  auto refreshing = std::async(std::launch::async, [&] { return m->refreshPool(p, 0); });
  storage_.refreshGate.waitEntered();
  auto info = std::async(std::launch::async, [&] { return m->poolInfo(p); });
  ASSERT_EQ(info.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(info.get()->state, driver::PoolState::Running);
  // A volume creation waits for the refresh to end rather than racing it.
  auto creating = std::async(std::launch::async, [&] { return m->createVol(p, volXml("v"), 0); });
  EXPECT_EQ(creating.wait_for(200ms), std::future_status::timeout);
  storage_.refreshGate.release();
  ASSERT_TRUE(refreshing.get());
  ASSERT_TRUE(creating.get());
  EXPECT_EQ(m->listAllVolumes(p, 0)->size(), 1u);
}

}  // namespace
}  // namespace virtus::storage::testing
