#include <gtest/gtest.h>

#include <future>

#include "storage/pool_manager.h"
#include "storage/pool_manager_test_support.h"

namespace virtus::storage::testing {
namespace {

using driver::PoolHandle;
using driver::VolHandle;

class PoolManagerVolumeTest : public ManagerFixture {
 protected:
  void SetUp() override {
    m_ = makeManager();
    storage_.pools = {"/fake/p", "/fake/q"};
    pool_ = *m_->definePool(poolXml("p", kUuidA), 0);
    ASSERT_TRUE(m_->startPool(pool_, 0));
  }
  std::unique_ptr<PoolManager> m_;
  PoolHandle pool_;
};

// A volume made behind the manager's back (another host, another tool) is found by name
// without a refresh when the backend can read one volume; otherwise only a refresh shows it.
TEST_F(PoolManagerVolumeTest, LookupByNameAsksTheBackendForAVolumeMadeSinceTheRefresh) {
  model::VolDef outside;
  outside.name = "outside";
  outside.key = outside.target.path = "/fake/p/outside";
  outside.capacity = 512;
  storage_.volumes["/fake/p"]["outside"] = outside;

  auto notYet = m_->lookupVolByName(pool_, "outside");
  ASSERT_FALSE(notYet);
  EXPECT_EQ(notYet.error().code, ErrorCode::NoStorageVol);
  EXPECT_FALSE(storage_.called("lookupVol p/outside"));  // this backend cannot look one up

  auto features = allFeatures();
  features.lookupVol = true;
  m_.reset();
  m_ = makeManager(features);  // the pool stays active across the restart
  pool_ = *m_->lookupPoolByName("p");
  ASSERT_TRUE(*m_->poolIsActive(pool_));
  storage_.volumes["/fake/p"].erase("outside");
  ASSERT_TRUE(m_->refreshPool(pool_, 0));
  storage_.volumes["/fake/p"]["outside"] = outside;
  storage_.calls.clear();

  auto found = m_->lookupVolByName(pool_, "outside");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->key, "/fake/p/outside");
  EXPECT_TRUE(storage_.called("lookupVol p/outside"));
  EXPECT_FALSE(storage_.called("refreshPool p"));
  // Now listed, and known by key, without asking again.
  storage_.calls.clear();
  EXPECT_EQ(m_->listAllVolumes(pool_, 0)->size(), 1u);
  EXPECT_EQ(m_->lookupVolByKey("/fake/p/outside")->name, "outside");
  EXPECT_TRUE(m_->lookupVolByName(pool_, "outside"));
  EXPECT_FALSE(storage_.called("lookupVol p/outside"));

  auto missing = m_->lookupVolByName(pool_, "nothere");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no storage vol with matching name 'nothere'");
  EXPECT_TRUE(storage_.called("lookupVol p/nothere"));

  storage_.failures.emplace(
      "lookupVol", makeError(ErrorCode::OperationTimeout, ErrorDomain::Storage, "timed out"));
  auto failed = m_->lookupVolByName(pool_, "other");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::OperationTimeout);
}

TEST_F(PoolManagerVolumeTest, CreateLookupDelete) {
  auto v = m_->createVol(pool_, volXml("v1", 4096), 0);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->pool, "p");
  EXPECT_EQ(v->name, "v1");
  EXPECT_EQ(v->key, "/fake/p/v1");
  EXPECT_TRUE(storage_.called("buildVol p/v1"));
  auto list = m_->listAllVolumes(pool_, 0);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(m_->lookupVolByName(pool_, "v1")->key, "/fake/p/v1");
  EXPECT_EQ(m_->lookupVolByKey("/fake/p/v1")->name, "v1");
  EXPECT_EQ(m_->lookupVolByPath("/fake//p/v1/")->name, "v1");
  EXPECT_EQ(*m_->volPath(*v), "/fake/p/v1");
  auto info = m_->volInfo(*v, 0);
  EXPECT_EQ(info->capacity, 4096u);
  EXPECT_EQ(info->allocation, 4096u);
  EXPECT_EQ(m_->poolInfo(pool_)->allocation, 4096u);
  EXPECT_EQ(m_->poolInfo(pool_)->available, 1000000u - 4096u);
  EXPECT_NE(m_->volXml(*v, 0)->find("<name>v1</name>"), std::string::npos);
  EXPECT_EQ(*m_->lookupPoolByVolume(*v), pool_);

  auto dup = m_->createVol(pool_, volXml("v1"), 0);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::StorageVolExist);
  EXPECT_EQ(dup.error().message, "'v1'");

  ASSERT_TRUE(m_->deleteVol(*v, 0));
  EXPECT_EQ(m_->poolInfo(pool_)->allocation, 0u);
  auto gone = m_->lookupVolByName(pool_, "v1");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NoStorageVol);
  EXPECT_EQ(gone.error().message, "no storage vol with matching name 'v1'");
  EXPECT_EQ(m_->lookupVolByKey("/fake/p/v1").error().message,
            "no storage vol with matching key /fake/p/v1");
  EXPECT_EQ(m_->lookupVolByPath("/fake/p/v1").error().message,
            "no storage vol with matching path '/fake/p/v1'");
  EXPECT_EQ(m_->lookupVolByPath("/fake//p/v1").error().message,
            "no storage vol with matching path '/fake//p/v1' (/fake/p/v1)");
}

TEST_F(PoolManagerVolumeTest, FailedBuildLeavesNoVolume) {
  storage_.failures.emplace("buildVol",
                            makeError(ErrorCode::InternalError, ErrorDomain::Storage, "no space"));
  auto v = m_->createVol(pool_, volXml("v"), 0);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "no space");
  EXPECT_TRUE(m_->listAllVolumes(pool_, 0)->empty());
  EXPECT_EQ(m_->poolInfo(pool_)->allocation, 0u);
}

TEST_F(PoolManagerVolumeTest, FailedRefreshAfterBuildDeletesTheVolume) {
  storage_.failures.emplace("refreshVol",
                            makeError(ErrorCode::InternalError, ErrorDomain::Storage, "gone"));
  ASSERT_FALSE(m_->createVol(pool_, volXml("v"), 0));
  EXPECT_TRUE(storage_.called("deleteVol p/v"));
  EXPECT_TRUE(m_->listAllVolumes(pool_, 0)->empty());
}

TEST_F(PoolManagerVolumeTest, VolumeOperationsNeedAnActivePool) {
  ASSERT_TRUE(m_->createVol(pool_, volXml("v"), 0));
  VolHandle v{"p", "v", "/fake/p/v"};
  ASSERT_TRUE(m_->destroyPool(pool_));
  EXPECT_EQ(m_->listAllVolumes(pool_, 0).error().message, "storage pool 'p' is not active");
  EXPECT_EQ(m_->createVol(pool_, volXml("w"), 0).error().message, "storage pool 'p' is not active");
  EXPECT_EQ(m_->volInfo(v, 0).error().message, "storage pool 'p' is not active");
  EXPECT_EQ(m_->deleteVol(v, 0).error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(m_->lookupVolByKey("/fake/p/v").error().code, ErrorCode::NoStorageVol);
}

TEST_F(PoolManagerVolumeTest, CapacityIsRequiredWithoutBuildVol) {
  auto features = allFeatures();
  features.buildVol = false;
  auto m = makeManager(features);
  auto v = m->createVol(pool_, "<volume><name>v</name><capacity>0</capacity></volume>", 0);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(v.error().message, "volume capacity required for this storage pool");
}

TEST_F(PoolManagerVolumeTest, Resize) {
  auto v = *m_->createVol(pool_, volXml("v", 1000), 0);
  namespace rv = driver::resize_vol;
  ASSERT_TRUE(m_->resizeVol(v, 500, rv::kDelta));
  EXPECT_TRUE(storage_.called("resizeVol p/v 1500 0"));
  EXPECT_EQ(m_->volInfo(v, 0)->capacity, 1500u);
  auto shrink = m_->resizeVol(v, 1200, 0);
  ASSERT_FALSE(shrink);
  EXPECT_EQ(shrink.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(shrink.error().message,
            "Can't shrink capacity below current capacity unless shrink flag explicitly "
            "specified");
  auto belowAlloc = m_->resizeVol(v, 900, rv::kShrink);
  ASSERT_FALSE(belowAlloc);
  EXPECT_EQ(belowAlloc.error().message, "can't shrink capacity below existing allocation");
  auto tooMuch = m_->resizeVol(v, 5000000, rv::kAllocate);
  ASSERT_FALSE(tooMuch);
  EXPECT_EQ(tooMuch.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(tooMuch.error().message, "Not enough space left in storage pool");
  ASSERT_TRUE(m_->resizeVol(v, 200, rv::kDelta | rv::kShrink));
  EXPECT_TRUE(storage_.called("resizeVol p/v 1300 " + std::to_string(rv::kShrink)));
}

TEST_F(PoolManagerVolumeTest, CloneAcrossPools) {
  auto q = *m_->definePool(poolXml("q", kUuidB), 0);
  ASSERT_TRUE(m_->startPool(q, 0));
  auto src = *m_->createVol(pool_, volXml("src", 2048), 0);
  auto clone = m_->createVolFrom(q, "<volume><name>copy</name></volume>", src, 0);
  ASSERT_TRUE(clone) << clone.error().message;
  EXPECT_TRUE(storage_.called("buildVolFrom q/copy src"));
  EXPECT_EQ(m_->volInfo(*clone, 0)->capacity, 2048u);
  auto dup = m_->createVolFrom(q, "<volume><name>copy</name></volume>", src, 0);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().message, "storage volume name 'copy' already in use.");
  auto missing =
      m_->createVolFrom(q, "<volume><name>c2</name></volume>", VolHandle{"p", "nope", ""}, 0);
  EXPECT_EQ(missing.error().message, "no storage vol with matching name 'nope'");
  auto noPool =
      m_->createVolFrom(q, "<volume><name>c2</name></volume>", VolHandle{"zz", "src", ""}, 0);
  EXPECT_EQ(noPool.error().message, "no storage pool with matching name 'zz'");
}

TEST_F(PoolManagerVolumeTest, WipeAlgorithmRange) {
  auto v = *m_->createVol(pool_, volXml("v"), 0);
  ASSERT_TRUE(m_->wipeVol(v, driver::WipeAlgorithm::Zero, 0));
  EXPECT_TRUE(storage_.called("wipeVol p/v"));
  auto bad = m_->wipeVol(v, static_cast<driver::WipeAlgorithm>(10), 0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "wiping algorithm 10 not supported");
}

TEST_F(PoolManagerVolumeTest, UnsupportedOperations) {
  BackendFeatures none;
  none.createVol = none.buildVol = true;
  auto m = makeManager(none);
  auto v = *m->createVol(pool_, volXml("v"), 0);
  EXPECT_EQ(m->deleteVol(v, 0).error().message, "storage pool does not support vol deletion");
  EXPECT_EQ(m->wipeVol(v, driver::WipeAlgorithm::Zero, 0).error().message,
            "storage pool doesn't support volume wiping");
  EXPECT_EQ(m->resizeVol(v, 1 << 20, 0).error().message,
            "storage pool does not support changing of volume capacity");
  ASSERT_TRUE(m->destroyPool(pool_));
  EXPECT_EQ(m->deletePool(pool_, 0).error().message, "pool does not support pool deletion");
}

}  // namespace
}  // namespace virtus::storage::testing
