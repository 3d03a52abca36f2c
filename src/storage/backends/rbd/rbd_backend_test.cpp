// The rbd backend against the real one-node cluster of tests/services/ceph.sh.
#include "storage/backends/rbd/rbd_backend.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <algorithm>

#include "driver/storage_flags.h"
#include "storage/backends/rbd/rbd_test_support.h"

namespace virtus::storage::rbd {
namespace {

using namespace std::chrono_literals;
using testing::RbdRealTest;
constexpr std::uint64_t kMiB = 1 << 20;

TEST_F(RbdRealTest, FeaturesSayWhatExists) {
  auto f = backend_->features();
  EXPECT_TRUE(f.startPool && f.stopPool && f.createVol && f.buildVol && f.buildVolFrom &&
              f.refreshVol && f.deleteVol && f.resizeVol && f.uploadVol && f.downloadVol &&
              f.wipeVol && f.lookupVol);
  EXPECT_FALSE(f.buildPool || f.deletePool || f.findPoolSources);
  EXPECT_EQ(backend_->type(), model::PoolType::Rbd);
}

TEST_F(RbdRealTest, StartRefreshStopWithAdminSecret) {
  auto pool = adminPool();
  auto started = backend_->startPool(pool);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_TRUE(backend_->hasConnection(pool.def.uuid));
  auto checked = backend_->checkPool(pool);
  ASSERT_TRUE(checked);
  EXPECT_TRUE(*checked);
  auto refreshed = backend_->refreshPool(pool);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_GT(pool.def.capacity, 0u);
  EXPECT_GT(pool.def.available, 0u);
  EXPECT_LE(pool.def.available, pool.def.capacity);
  EXPECT_TRUE(pool.unreadable.empty());
  ASSERT_TRUE(backend_->stopPool(pool));
  EXPECT_FALSE(backend_->hasConnection(pool.def.uuid));
  // A call after stop connects again.
  ASSERT_TRUE(backend_->refreshPool(pool));
  EXPECT_TRUE(backend_->hasConnection(pool.def.uuid));
}

TEST_F(RbdRealTest, VolumeLifecycle) {
  auto pool = adminPool();
  const std::string name = uniqueName("life");
  model::VolDef vol = newVolume(pool, name, 64 * kMiB);
  EXPECT_EQ(vol.key, "rbd/" + name);
  EXPECT_EQ(vol.target.path, "rbd/" + name);
  EXPECT_EQ(vol.type, model::VolType::Network);

  ASSERT_TRUE(backend_->refreshPool(pool));
  const model::VolDef* listed = findVol(pool, name);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->capacity, 64 * kMiB);
  EXPECT_EQ(listed->key, "rbd/" + name);
  EXPECT_EQ(listed->target.format, "raw");
  EXPECT_EQ(listed->type, model::VolType::Network);
  EXPECT_EQ(listed->allocation, 0u);  // fast-diff: nothing written yet

  // Creating it again: the volume exists.
  auto again = backend_->buildVol(pool, vol, 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::StorageVolExist);

  auto resized = backend_->resizeVol(pool, vol, 96 * kMiB, 0);
  ASSERT_TRUE(resized) << resized.error().message;
  ASSERT_TRUE(backend_->refreshVol(pool, vol));
  EXPECT_EQ(vol.capacity, 96 * kMiB);

  const std::string data = testing::randomBytes(kMiB + 12345, 7);
  testing::StringSource source(data);
  auto up = backend_->uploadVol(pool, vol, 4096, 0, 0, source, {});
  ASSERT_TRUE(up) << up.error().message;
  testing::StringSink sink;
  auto down = backend_->downloadVol(pool, vol, 4096, data.size(), 0, sink, {});
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_TRUE(sink.finished);
  EXPECT_TRUE(sink.out == data) << "downloaded bytes differ from the uploaded ones";
  ASSERT_TRUE(backend_->refreshVol(pool, vol));
  EXPECT_GT(vol.allocation, 0u);

  auto wiped = backend_->wipeVol(pool, vol, driver::WipeAlgorithm::Zero, 0, {});
  ASSERT_TRUE(wiped) << wiped.error().message;
  testing::StringSink zeros;
  ASSERT_TRUE(backend_->downloadVol(pool, vol, 0, 2 * kMiB, driver::stream_flags::kSparseStream,
                                    zeros, {}));
  EXPECT_EQ(zeros.out, std::string(2 * kMiB, '\0'));
  EXPECT_EQ(zeros.holes, 2 * kMiB);
  auto badWipe = backend_->wipeVol(pool, vol, driver::WipeAlgorithm::Gutmann, 0, {});
  ASSERT_FALSE(badWipe);
  EXPECT_EQ(badWipe.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(badWipe.error().message, "unsupported algorithm 4");

  ASSERT_TRUE(backend_->deleteVol(pool, vol, 0));
  auto gone = backend_->lookupVol(pool, name);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(RbdRealTest, OnlyRawVolumes) {
  auto pool = adminPool();
  model::VolDef vol;
  vol.name = "x";
  vol.target.format = "qcow2";
  auto r = backend_->createVol(pool, vol);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
}

TEST_F(RbdRealTest, DeleteWithSnapshotsNeedsTheFlag) {
  auto pool = adminPool();
  const std::string name = uniqueName("snaps");
  model::VolDef vol = newVolume(pool, name, 8 * kMiB);
  auto [rc1, out1] = testing::runRbd(conf_, "snap create rbd/" + name + "@s1");
  ASSERT_EQ(rc1, 0) << out1;
  auto [rc2, out2] = testing::runRbd(conf_, "snap protect rbd/" + name + "@s1");
  ASSERT_EQ(rc2, 0) << out2;
  auto refused = backend_->deleteVol(pool, vol, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::OperationInvalid);
  EXPECT_NE(refused.error().message.find("snapshots"), std::string::npos);
  auto still = backend_->lookupVol(pool, name);
  ASSERT_TRUE(still);
  EXPECT_TRUE(*still);
  auto done = backend_->deleteVol(pool, vol, driver::delete_vol::kWithSnapshots);
  ASSERT_TRUE(done) << done.error().message;
  auto gone = backend_->lookupVol(pool, name);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(RbdRealTest, CloneSharesTheParentsData) {
  auto pool = adminPool();
  const std::string parent = uniqueName("parent");
  const std::string child = uniqueName("child");
  model::VolDef src = newVolume(pool, parent, 32 * kMiB);
  const std::string data = testing::randomBytes(4 * kMiB, 11);
  testing::StringSource source(data);
  ASSERT_TRUE(backend_->uploadVol(pool, src, 0, 0, 0, source, {}));

  model::VolDef clone;
  clone.name = child;
  clone.target.format = "raw";
  ASSERT_TRUE(backend_->createVol(pool, clone));
  auto made = backend_->buildVolFrom(pool, clone, src, 0, {});
  ASSERT_TRUE(made) << made.error().message;

  auto [rc, info] = testing::runRbd(conf_, "info rbd/" + child);
  ASSERT_EQ(rc, 0) << info;
  EXPECT_NE(info.find("parent: rbd/" + parent + "@"), std::string::npos) << info;
  auto found = backend_->lookupVol(pool, child);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->capacity, 32 * kMiB);
  EXPECT_EQ((*found)->allocation, 0u) << "the clone holds objects of its own: data was copied";
  testing::StringSink sink;
  ASSERT_TRUE(backend_->downloadVol(pool, clone, 0, data.size(), 0, sink, {}));
  EXPECT_TRUE(sink.out == data) << "the clone does not read the parent's data";

  // A second clone reuses the unchanged snapshot instead of making another.
  const std::string child2 = uniqueName("child2");
  model::VolDef clone2;
  clone2.name = child2;
  ASSERT_TRUE(backend_->createVol(pool, clone2));
  ASSERT_TRUE(backend_->buildVolFrom(pool, clone2, src, 0, {}));
  auto [rcs, snaps] = testing::runRbd(conf_, "snap ls rbd/" + parent);
  ASSERT_EQ(rcs, 0) << snaps;
  EXPECT_EQ(std::count(snaps.begin(), snaps.end(), '\n'), 2) << snaps;  // header + one
}

TEST_F(RbdRealTest, ReadOnlyUserRefreshesButCannotWrite) {
  auto admin = adminPool();
  const std::string name = uniqueName("ro");
  model::VolDef vol = newVolume(admin, name, 16 * kMiB);

  auto ro = roPool();
  auto refreshed = backend_->refreshPool(ro);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  const model::VolDef* listed = findVol(ro, name);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->capacity, 16 * kMiB);
  EXPECT_TRUE(ro.unreadable.empty());

  model::VolDef other;
  other.name = uniqueName("ro-new");
  other.capacity = 8 * kMiB;
  other.target.format = "raw";
  ASSERT_TRUE(backend_->createVol(ro, other));
  auto denied = backend_->buildVol(ro, other, 0);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::OperationDenied);
  const std::string& msg = denied.error().message;
  EXPECT_NE(msg.find("create volume"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'client." + env_.get("CEPH_RO_USER") + "'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'" + ro.def.name + "'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'" + other.name + "'"), std::string::npos) << msg;

  auto resize = backend_->resizeVol(ro, vol, 32 * kMiB, 0);
  ASSERT_FALSE(resize);
  EXPECT_EQ(resize.error().code, ErrorCode::OperationDenied) << resize.error().message;
  auto del = backend_->deleteVol(ro, vol, 0);
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code, ErrorCode::OperationDenied) << del.error().message;
  // Reading works: a download opens read-only.
  testing::StringSink sink;
  auto down = backend_->downloadVol(ro, vol, 0, kMiB, 0, sink, {});
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(sink.out.size(), kMiB);
}

TEST_F(RbdRealTest, LookupFindsAnImageMadeAfterTheRefresh) {
  auto pool = adminPool();
  ASSERT_TRUE(backend_->refreshPool(pool));
  const std::string name = uniqueName("cli");
  EXPECT_EQ(findVol(pool, name), nullptr);
  auto [rc, out] = testing::runRbd(conf_, "create --size 8M rbd/" + name);
  ASSERT_EQ(rc, 0) << out;
  auto found = backend_->lookupVol(pool, name);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->capacity, 8 * kMiB);
  EXPECT_EQ((*found)->key, "rbd/" + name);
  auto none = backend_->lookupVol(pool, name + "-absent");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(RbdRealTest, RefreshAllocationCapacityOverride) {
  auto pool = adminPool();
  pool.def.refreshVolumeAllocation = model::RefreshAllocation::Capacity;
  const std::string name = uniqueName("alloc");
  newVolume(pool, name, 16 * kMiB);
  auto found = backend_->lookupVol(pool, name);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->allocation, 16 * kMiB);  // objects * object size, not fast-diff's 0
}

TEST_F(RbdRealTest, WrongKeyFailsToAuthenticate) {
  auto raw = decodeBase64(env_.get("CEPH_ADMIN_KEY"));
  ASSERT_TRUE(raw);
  std::string wrong = *raw;
  wrong[wrong.size() - 1] ^= 0x5a;  // the last byte is part of the secret
  auto pool = makePool("admin", encodeBase64(wrong));
  auto started = backend_->startPool(pool);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::AuthFailed) << started.error().message;
  EXPECT_EQ(started.error().message.find(env_.get("CEPH_ADMIN_KEY")), std::string::npos);
  EXPECT_EQ(started.error().message.find(encodeBase64(wrong)), std::string::npos);
}

TEST_F(RbdRealTest, MissingSecretIsReported) {
  auto pool = adminPool();
  pool.def.source.auth->secret.uuid = Uuid::generate();
  auto started = backend_->startPool(pool);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::NoSecret);
}

TEST_F(RbdRealTest, MissingRadosPoolIsReported) {
  auto pool = adminPool();
  pool.def.source.name = "no-such-pool";
  auto started = backend_->startPool(pool);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("'no-such-pool'"), std::string::npos)
      << started.error().message;
}

// A "monitor" that accepts connections and never says a word.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::listen(fd_, 16) == 0) {
      socklen_t len = sizeof addr;
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(RbdRealTest, AMonitorThatNeverAnswersTimesOut) {
  SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  RbdBackend quick(context(), 2s);
  auto pool = adminPool();
  pool.def.source.hosts = {{"127.0.0.1", silent.port()}};
  auto start = std::chrono::steady_clock::now();
  auto started = quick.startPool(pool);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::OperationTimeout) << started.error().message;
  EXPECT_NE(started.error().message.find("'" + pool.def.name + "'"), std::string::npos)
      << started.error().message;
  EXPECT_LT(elapsed, 3500ms);
  EXPECT_FALSE(quick.hasConnection(pool.def.uuid));
  // Nothing wedged: the next call gives up in time again.
  start = std::chrono::steady_clock::now();
  EXPECT_FALSE(quick.refreshPool(pool));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3500ms);
  // Once the monitor answers, the same pool connects: no broken connection was kept.
  pool.def.source.hosts = {{env_.get("CEPH_MON_HOST"), std::stoi(env_.get("CEPH_MON_PORT"))}};
  auto recovered = quick.refreshPool(pool);
  ASSERT_TRUE(recovered) << recovered.error().message;
  EXPECT_TRUE(quick.hasConnection(pool.def.uuid));
  ASSERT_TRUE(quick.stopPool(pool));
}

TEST_F(RbdRealTest, ParallelRefreshSeesManyImages) {
  auto pool = adminPool();
  std::vector<std::string> names;
  for (int i = 0; i < 24; ++i) {
    names.push_back(uniqueName("many"));
    newVolume(pool, names.back(), kMiB * (1 + i % 3));
  }
  ASSERT_TRUE(backend_->refreshPool(pool));
  for (int i = 0; i < 24; ++i) {
    const model::VolDef* v = findVol(pool, names[i]);
    ASSERT_NE(v, nullptr) << names[i];
    EXPECT_EQ(v->capacity, kMiB * (1 + i % 3));
  }
}

}  // namespace
}  // namespace virtus::storage::rbd
