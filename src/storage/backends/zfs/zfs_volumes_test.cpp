// The zfs backend's volume operations on a scripted runner with recorded zfs output:
// create (with libvirt's volmode detection), refresh, delete with clones, resize, clones
// and their rollback, wipe.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "driver/storage_flags.h"
#include "storage/backends/zfs/zfs_backend.h"
#include "storage/backends/zfs/zfs_test_support.h"
#include "support/temp_dir.h"

namespace virtus::storage::zfs {
namespace {

using testing::testdata;
using testing::timeoutError;

class ZfsVolumesRecorded : public testing::ZfsBackendTest {
 protected:
  model::VolDef volume(std::string name, std::uint64_t capacity, std::uint64_t allocation) {
    model::VolDef vol;
    vol.name = std::move(name);
    vol.capacity = capacity;
    vol.hasCapacity = true;
    vol.allocation = allocation;
    vol.hasAllocation = true;
    auto r = backend_.createVol(pool_, vol);
    EXPECT_TRUE(r) << r.error().message;
    return vol;
  }
  void expectUsage(int status, const std::string& err) {
    commands_.expect("env", "LC_ALL=C", "zfs", "get").replies(status, "", err);
  }
};

TEST_F(ZfsVolumesRecorded, CreateNamesTheZvol) {
  auto vol = volume("v1", 1073741824, 1073741824);
  EXPECT_EQ(vol.type, model::VolType::Block);
  EXPECT_EQ(vol.target.path, "/dev/zvol/tank/v1");
  EXPECT_EQ(vol.key, "/dev/zvol/tank/v1");
  EXPECT_TRUE(commands_.commands().empty());

  model::VolDef encrypted;
  encrypted.name = "e";
  encrypted.target.encryption = model::StorageEncryption{};
  auto enc = backend_.createVol(pool_, encrypted);
  ASSERT_FALSE(enc);
  EXPECT_EQ(enc.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(enc.error().message, "storage pool does not support encrypted volumes");

  model::VolDef snap;
  snap.name = "a@b";
  EXPECT_EQ(backend_.createVol(pool_, snap).error().code, ErrorCode::InvalidArg);
}

TEST_F(ZfsVolumesRecorded, BuildUsesVolmodeWhenRecordedUsageListsIt) {
  auto vol = volume("v1", 1073741824, 1073741824);
  expectUsage(2, testdata("zfs-get-usage-openzfs-2.1.err"));
  commands_.expect("zfs", "create", "-o", "volmode=dev", "-V", "1048576K", "tank/v1").replies(0);
  auto r = backend_.buildVol(pool_, vol, 0);
  ASSERT_TRUE(r) << r.error().message;
  expectDeadlines();
}

TEST_F(ZfsVolumesRecorded, BuildSparseWithoutVolmode) {
  auto vol = volume("v1", 10485760, 1048576);
  expectUsage(2, testdata("zfs-get-usage-zol-0.6.err"));
  commands_.expect("zfs", "create", "-s", "-o", "refreservation=1024K", "-V", "10240K", "tank/v1")
      .replies(0);
  ASSERT_TRUE(backend_.buildVol(pool_, vol, 0));

  // An unexpected exit status of `zfs get` leaves volmode out, as libvirt.
  auto sparse = volume("v2", 10485760, 0);
  expectUsage(0, "");
  commands_.expect("zfs", "create", "-s", "-V", "10240K", "tank/v2").replies(0);
  ASSERT_TRUE(backend_.buildVol(pool_, sparse, 0));
}

TEST_F(ZfsVolumesRecorded, BuildFailuresKeepTheirCode) {
  auto vol = volume("v1", 1073741824, 1073741824);
  expectUsage(2, testdata("zfs-get-usage-zol-0.6.err"));
  commands_.expect("zfs", "create", "-V", "1048576K", "tank/v1")
      .replies(1, "", "cannot create 'tank/v1': out of space\n");
  auto full = backend_.buildVol(pool_, vol, 0);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::InternalError);
  EXPECT_EQ(full.error().message,
            "Child process (zfs create -V 1048576K tank/v1) unexpected exit status 1: cannot "
            "create 'tank/v1': out of space");

  expectUsage(2, testdata("zfs-get-usage-zol-0.6.err"));
  commands_.expect("zfs", "create", "-V", "1048576K", "tank/v1").fails(timeoutError());
  auto hung = backend_.buildVol(pool_, vol, 0);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);

  commands_.expect("env", "LC_ALL=C", "zfs", "get").fails(timeoutError());
  EXPECT_EQ(backend_.buildVol(pool_, vol, 0).error().code, ErrorCode::OperationTimeout);
  expectDeadlines();
}

TEST_F(ZfsVolumesRecorded, RefreshAndLookupReadOneVolume) {
  commands_
      .expect("zfs", "list", "-Hp", "-t", "volume", "-o", "name,volsize,refreservation", "tank/v1")
      .replies(0, "tank/v1\t1073741824\t0\n");
  model::VolDef vol;
  vol.name = "v1";
  ASSERT_TRUE(backend_.refreshVol(pool_, vol));
  EXPECT_EQ(vol.capacity, 1073741824u);
  EXPECT_EQ(vol.allocation, 0u);
  EXPECT_EQ(vol.target.path, "/dev/zvol/tank/v1");
  EXPECT_EQ(vol.key, "/dev/zvol/tank/v1");

  commands_
      .expect("zfs", "list", "-Hp", "-t", "volume", "-o", "name,volsize,refreservation",
              "tank/nosuch")
      .replies(1, "", testdata("zfs-list-nosuch.err"));
  auto none = backend_.lookupVol(pool_, "nosuch");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(*none);

  commands_
      .expect("zfs", "list", "-Hp", "-t", "volume", "-o", "name,volsize,refreservation",
              "tank/nosuch")
      .replies(1, "", testdata("zfs-list-nosuch.err"));
  model::VolDef missing;
  missing.name = "nosuch";
  auto r = backend_.refreshVol(pool_, missing);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoStorageVol);
  EXPECT_EQ(r.error().message, "no storage vol with matching name 'nosuch'");

  commands_
      .expect("zfs", "list", "-Hp", "-t", "volume", "-o", "name,volsize,refreservation", "tank/v1")
      .replies(1, "", "internal error: Bad file descriptor\n");
  auto broken = backend_.lookupVol(pool_, "v1");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::InternalError);
  EXPECT_NE(broken.error().message.find("Bad file descriptor"), std::string::npos);

  commands_
      .expect("zfs", "list", "-Hp", "-t", "volume", "-o", "name,volsize,refreservation", "tank/v1")
      .fails(timeoutError());
  EXPECT_EQ(backend_.refreshVol(pool_, vol).error().code, ErrorCode::OperationTimeout);
  expectDeadlines();
}

void expectRelations(virtus::testing::FakeCommandRunner& commands, const std::string& dataset,
                     int status, std::string out) {
  commands
      .expect("zfs", "list", "-H", "-t", "volume,snapshot", "-r", "-o", "name,origin,clones",
              dataset)
      .replies(status, std::move(out));
}

TEST_F(ZfsVolumesRecorded, DeleteDestroysTheZvol) {
  auto vol = volume("v1", 1024, 1024);
  expectRelations(commands_, "tank/v1", 0, "tank/v1\t-\t-\n");
  commands_.expect("zfs", "destroy", "tank/v1").replies(0);
  ASSERT_TRUE(backend_.deleteVol(pool_, vol, 0));

  expectRelations(commands_, "tank/v1", 0, "tank/v1\t-\t-\n");
  commands_.expect("zfs", "destroy", "tank/v1")
      .replies(1, "", "cannot destroy 'tank/v1': dataset is busy\n");
  auto busy = backend_.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::InternalError);

  expectRelations(commands_, "tank/v1", 0, "tank/v1\t-\t-\n");
  commands_.expect("zfs", "destroy", "tank/v1").fails(timeoutError());
  EXPECT_EQ(backend_.deleteVol(pool_, vol, 0).error().code, ErrorCode::OperationTimeout);

  EXPECT_EQ(backend_.deleteVol(pool_, vol, driver::delete_vol::kZeroed).error().code,
            ErrorCode::InvalidArg);
  expectDeadlines();
}

TEST_F(ZfsVolumesRecorded, DeleteRefusesAnOriginOfClones) {
  auto base = volume("base", 1024, 1024);
  expectRelations(commands_, "tank/base", 0, testdata("zfs-relations-origin.out"));
  auto r = backend_.deleteVol(pool_, base, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(r.error().message,
            "storage volume 'base' cannot be deleted: volumes 'web', 'db' are clones of it");
  // Nothing destroyed: the strict runner would have failed on any other command.
  EXPECT_EQ(commands_.commands().size(), 1u);
}

TEST_F(ZfsVolumesRecorded, DeletingACloneRemovesItsSnapshot) {
  auto web = volume("web", 1024, 1024);
  expectRelations(commands_, "tank/web", 0, testdata("zfs-relations-clone.out"));
  commands_.expect("zfs", "destroy", "tank/web").replies(0);
  commands_.expect("zfs", "destroy", "tank/base@virtus-clone-web").replies(0);
  ASSERT_TRUE(backend_.deleteVol(pool_, web, 0));

  // A snapshot that cannot go is left for the origin's delete; the clone is gone.
  expectRelations(commands_, "tank/web", 0, testdata("zfs-relations-clone.out"));
  commands_.expect("zfs", "destroy", "tank/web").replies(0);
  commands_.expect("zfs", "destroy", "tank/base@virtus-clone-web")
      .replies(1, "", "cannot destroy snapshot: dataset is busy\n");
  ASSERT_TRUE(backend_.deleteVol(pool_, web, 0));

  // ... which removes such leftovers (and only its own) first.
  auto base = volume("base", 1024, 1024);
  expectRelations(commands_, "tank/base", 0, "tank/base\t-\t-\ntank/base@virtus-clone-web\t-\t\n");
  commands_.expect("zfs", "destroy", "tank/base@virtus-clone-web").replies(0);
  commands_.expect("zfs", "destroy", "tank/base").replies(0);
  ASSERT_TRUE(backend_.deleteVol(pool_, base, 0));
}

TEST_F(ZfsVolumesRecorded, DeleteFailsOnGarbageRelations) {
  auto vol = volume("v1", 1024, 1024);
  expectRelations(commands_, "tank/v1", 0, "NAME ORIGIN CLONES\n");
  auto r = backend_.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("'NAME ORIGIN CLONES'"), std::string::npos);
}

TEST_F(ZfsVolumesRecorded, ResizeSetsVolsize) {
  auto vol = volume("v1", 1073741824, 1073741824);
  commands_.expect("zfs", "set", "volsize=2147483648", "tank/v1").replies(0);
  ASSERT_TRUE(backend_.resizeVol(pool_, vol, 2147483648, 0));
  EXPECT_EQ(vol.capacity, 2147483648u);

  auto shrink = backend_.resizeVol(pool_, vol, 1073741824, 0);
  ASSERT_FALSE(shrink);
  EXPECT_EQ(shrink.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(shrink.error().message,
            "Can't shrink capacity below current capacity unless shrink flag explicitly "
            "specified");
  EXPECT_EQ(vol.capacity, 2147483648u);

  commands_.expect("zfs", "set", "volsize=1073741824", "tank/v1").replies(0);
  ASSERT_TRUE(backend_.resizeVol(pool_, vol, 1073741824, driver::resize_vol::kShrink));
  EXPECT_EQ(vol.capacity, 1073741824u);

  commands_.expect("zfs", "set", "volsize=4096", "tank/v1")
      .replies(255, "",
               "cannot set property for 'tank/v1': 'volsize' must be a multiple of "
               "volume block size (16K)\n");
  auto bad = backend_.resizeVol(pool_, vol, 4096, driver::resize_vol::kShrink);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InternalError);
  EXPECT_EQ(vol.capacity, 1073741824u);

  commands_.expect("zfs", "set", "volsize=4294967296", "tank/v1").fails(timeoutError());
  EXPECT_EQ(backend_.resizeVol(pool_, vol, 4294967296, 0).error().code,
            ErrorCode::OperationTimeout);
  EXPECT_EQ(backend_.resizeVol(pool_, vol, 1, driver::resize_vol::kAllocate).error().code,
            ErrorCode::InvalidArg);
  expectDeadlines();
}

TEST_F(ZfsVolumesRecorded, CloneSnapshotsAndClones) {
  auto base = volume("base", 1073741824, 1073741824);
  auto web = volume("web", 1073741824, 1073741824);
  commands_.expect("zfs", "snapshot", "tank/base@virtus-clone-web").replies(0);
  commands_.expect("zfs", "clone", "tank/base@virtus-clone-web", "tank/web").replies(0);
  auto r = backend_.buildVolFrom(pool_, web, base, driver::create_vol::kReflink, nullptr);
  ASSERT_TRUE(r) << r.error().message;

  // A larger clone is grown after cloning.
  auto big = volume("big", 2147483648, 2147483648);
  commands_.expect("zfs", "snapshot", "tank/base@virtus-clone-big").replies(0);
  commands_.expect("zfs", "clone", "tank/base@virtus-clone-big", "tank/big").replies(0);
  commands_.expect("zfs", "set", "volsize=2147483648", "tank/big").replies(0);
  ASSERT_TRUE(backend_.buildVolFrom(pool_, big, base, 0, nullptr));
  expectDeadlines();
}

TEST_F(ZfsVolumesRecorded, FailedCloneRemovesTheSnapshot) {
  auto base = volume("base", 1073741824, 1073741824);
  auto web = volume("web", 1073741824, 1073741824);
  commands_.expect("zfs", "snapshot", "tank/base@virtus-clone-web").replies(0);
  commands_.expect("zfs", "clone", "tank/base@virtus-clone-web", "tank/web")
      .replies(1, "", "cannot create 'tank/web': dataset already exists\n");
  commands_.expect("zfs", "destroy", "tank/base@virtus-clone-web").replies(0);
  auto r = backend_.buildVolFrom(pool_, web, base, 0, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("dataset already exists"), std::string::npos);

  // A clone that cannot grow goes too, with its snapshot; the deadline's code stays.
  auto big = volume("big", 2147483648, 2147483648);
  commands_.expect("zfs", "snapshot", "tank/base@virtus-clone-big").replies(0);
  commands_.expect("zfs", "clone", "tank/base@virtus-clone-big", "tank/big").replies(0);
  commands_.expect("zfs", "set", "volsize=2147483648", "tank/big").fails(timeoutError());
  commands_.expect("zfs", "destroy", "tank/big").replies(0);
  commands_.expect("zfs", "destroy", "tank/base@virtus-clone-big").replies(0);
  auto hung = backend_.buildVolFrom(pool_, big, base, 0, nullptr);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);

  // A snapshot that cannot be taken leaves nothing to undo.
  commands_.expect("zfs", "snapshot", "tank/base@virtus-clone-web")
      .replies(1, "",
               "cannot create snapshot 'tank/base@virtus-clone-web': dataset already "
               "exists\n");
  EXPECT_EQ(backend_.buildVolFrom(pool_, web, base, 0, nullptr).error().code,
            ErrorCode::InternalError);
}

TEST_F(ZfsVolumesRecorded, ClonesOnlyFromTheSamePool) {
  auto web = volume("web", 1024, 1024);
  model::VolDef foreign;
  foreign.name = "disk.img";
  foreign.target.path = "/var/lib/virtus/images/disk.img";
  auto r = backend_.buildVolFrom(pool_, web, foreign, 0, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoSupport);
  EXPECT_NE(r.error().message.find("'/var/lib/virtus/images/disk.img'"), std::string::npos);
  auto base = volume("base", 1024, 1024);
  EXPECT_EQ(backend_.buildVolFrom(pool_, web, base, driver::create_vol::kPreallocMetadata, nullptr)
                .error()
                .code,
            ErrorCode::InvalidArg);
  EXPECT_TRUE(commands_.commands().empty());
}

TEST_F(ZfsVolumesRecorded, WipeZeroesTheDevice) {
  fixtures::TempDir dir("virtus-zfs-wipe");
  ASSERT_TRUE(dir.ok());
  pool_.def.target.path = dir.path();
  auto vol = volume("v1", 3 * 1024 * 1024 + 512, 3 * 1024 * 1024 + 512);
  dir.write("v1", std::string(vol.capacity, '\xff'));
  std::uint64_t last = 0;
  auto r = backend_.wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 0,
                            [&](std::uint64_t done, std::uint64_t) { last = done; });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(last, vol.capacity);
  std::string data = fixtures::readFile(dir.file("v1"));
  ASSERT_EQ(data.size(), vol.capacity);
  EXPECT_EQ(data.find_first_not_of('\0'), std::string::npos);

  auto scrub = backend_.wipeVol(pool_, vol, driver::WipeAlgorithm::Nnsa, 0, nullptr);
  ASSERT_FALSE(scrub);
  EXPECT_EQ(scrub.error().code, ErrorCode::NoSupport);

  auto gone = volume("gone", 1024, 1024);
  auto missing = backend_.wipeVol(pool_, gone, driver::WipeAlgorithm::Zero, 0, nullptr);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::SystemError);
}

}  // namespace
}  // namespace virtus::storage::zfs
