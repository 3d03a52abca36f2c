// The fs and netfs backends with a scripted command runner, a scripted device probe and a
// mount table laid out under a temporary proc root: golden command lines of start, stop and
// build, libvirt's answers when already mounted or not mounted, each command's failure, and
// deadlines (VIR_ERR_OPERATION_TIMEOUT passed through unchanged).
#include "storage/backends/fs/fs_backend.h"

#include <gtest/gtest.h>

#include "driver/storage_flags.h"
#include "storage/backends/fs/fs_test_support.h"

namespace virtus::storage::fs {
namespace {

using namespace driver::build_pool;

class FsBackendOps : public testing::FsBackendTest {
 protected:
  std::string mountLine(const std::string& source) const {
    return source + " " + target() + " ext4 rw,nosuid,nodev,noexec,relatime 0 0\n";
  }
};

TEST_F(FsBackendOps, FeaturesAreThoseImplemented) {
  auto fsb = backend(model::PoolType::Fs);
  auto f = fsb.features();
  EXPECT_EQ(fsb.type(), model::PoolType::Fs);
  EXPECT_TRUE(f.buildPool && f.startPool && f.stopPool && f.deletePool);
  EXPECT_TRUE(f.createVol && f.buildVol && f.buildVolFrom && f.refreshVol && f.deleteVol &&
              f.resizeVol && f.uploadVol && f.downloadVol && f.wipeVol);
  EXPECT_FALSE(f.findPoolSources);
  EXPECT_FALSE(f.lookupVol);
  auto netfs = backend(model::PoolType::Netfs);
  EXPECT_EQ(netfs.type(), model::PoolType::Netfs);
  EXPECT_TRUE(netfs.features().findPoolSources);
}

TEST_F(FsBackendOps, StartMountsWithTheQuickDeadline) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  commands_.expect("mount", "-o", "nodev,nosuid,noexec", "-t", "ext4", device(), target())
      .replies(0);
  auto r = b.startPool(pool);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(commands_.commands().size(), 1u);
  EXPECT_EQ(commands_.commands()[0].timeout, std::chrono::milliseconds(12000));
}

TEST_F(FsBackendOps, StartWhenAlreadyMountedRunsNothing) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  setMounts(mountLine(device()));
  EXPECT_TRUE(b.startPool(pool));
  EXPECT_TRUE(commands_.commands().empty());
}

TEST_F(FsBackendOps, StartOverSomethingElseMountedThereStillMounts) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  setMounts(mountLine("/dev/other"));
  commands_.expect("mount", "-o", "nodev,nosuid,noexec", "-t", "ext4", device(), target())
      .replies(0);
  EXPECT_TRUE(b.startPool(pool));
}

TEST_F(FsBackendOps, MountFailureIsLibvirtsChildProcessError) {
  auto b = backend(model::PoolType::Netfs);
  auto pool = netfsPool();
  commands_
      .expect("mount", "-o", "nodev,nosuid,noexec", "-t", "nfs", "nfs.example.com:/export/images",
              target())
      .replies(32, "", "mount.nfs: Connection refused\n");
  auto r = b.startPool(pool);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("unexpected exit status 32: mount.nfs: Connection refused"),
            std::string::npos)
      << r.error().message;
}

TEST_F(FsBackendOps, MountDeadlineIsOperationTimeout) {
  auto b = backend(model::PoolType::Netfs);
  auto pool = netfsPool();
  commands_
      .expect("mount", "-o", "nodev,nosuid,noexec", "-t", "nfs", "nfs.example.com:/export/images",
              target())
      .fails(testing::timeoutError());
  auto r = b.startPool(pool);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
}

TEST_F(FsBackendOps, InvalidSourceIsRefusedBeforeAnyCommand) {
  auto b = backend(model::PoolType::Netfs);
  auto pool = netfsPool();
  pool.def.source.hosts.clear();
  auto r = b.startPool(pool);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(b.checkPool(pool).error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(b.stopPool(pool).error().code, ErrorCode::ConfigUnsupported);
}

TEST_F(FsBackendOps, StopUnmountsTheTarget) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  setMounts(mountLine(device()));
  commands_.expect("umount", target()).replies(0);
  EXPECT_TRUE(b.stopPool(pool));
  EXPECT_EQ(commands_.commands().at(0).timeout, std::chrono::milliseconds(12000));
}

TEST_F(FsBackendOps, StopWhenNotMountedRunsNothing) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  EXPECT_TRUE(b.stopPool(pool));
  EXPECT_TRUE(commands_.commands().empty());
}

TEST_F(FsBackendOps, UmountFailureAndDeadline) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  setMounts(mountLine(device()));
  commands_.expect("umount", target()).replies(32, "", "umount: target is busy.\n");
  auto busy = b.stopPool(pool);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::InternalError);
  EXPECT_NE(busy.error().message.find("umount: target is busy."), std::string::npos);
  commands_.expect("umount", target()).fails(testing::timeoutError());
  EXPECT_EQ(b.stopPool(pool).error().code, ErrorCode::OperationTimeout);
}

TEST_F(FsBackendOps, CheckIsTheMountTable) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  EXPECT_FALSE(*b.checkPool(pool));
  setMounts(mountLine(device()));
  EXPECT_TRUE(*b.checkPool(pool));
  setMounts("garbage\n");
  EXPECT_EQ(b.checkPool(pool).error().code, ErrorCode::InternalError);
}

TEST_F(FsBackendOps, BuildWithoutFlagsOnlyMakesTheDirectory) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  ASSERT_TRUE(b.buildPool(pool, 0));
  EXPECT_TRUE(fs_.stat(target())->isDirectory);
  EXPECT_EQ(probe_->calls, 0);
}

TEST_F(FsBackendOps, BuildOverwriteRunsMkfsWithoutProbing) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool("xfs");
  commands_.expect("mkfs", "-t", "xfs", "-f", device()).replies(0);
  auto r = b.buildPool(pool, kOverwrite);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(probe_->calls, 0);
  // mkfs is a long command: the runner's default deadline.
  EXPECT_EQ(commands_.commands().at(0).timeout.count(), 0);
  EXPECT_TRUE(fs_.exists(target()));
}

TEST_F(FsBackendOps, BuildNoOverwriteProbesThenMkfs) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool("ext4");
  commands_.expect("mkfs", "-t", "ext4", "-F", device()).replies(0);
  ASSERT_TRUE(b.buildPool(pool, kNoOverwrite));
  EXPECT_EQ(probe_->calls, 1);
  EXPECT_EQ(probe_->lastDevice, device());
}

TEST_F(FsBackendOps, BuildNoOverwriteRefusesAFilesystemAndLeavesNothing) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool("ext4");
  probe_->content.filesystem = "ext4";
  auto same = b.buildPool(pool, kNoOverwrite);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_EQ(same.error().message, "Device '" + device() + "' already formatted using 'ext4'");
  EXPECT_FALSE(fs_.exists(target()));
  probe_->content.filesystem = "xfs";
  auto other = b.buildPool(pool, kNoOverwrite);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::StoragePoolBuilt);
  EXPECT_FALSE(fs_.exists(target()));
  EXPECT_TRUE(commands_.commands().empty());
}

TEST_F(FsBackendOps, ProbeFailureIsPassedOn) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool("ext4");
  probe_->error = makeError(ErrorCode::StorageProbeFailed, ErrorDomain::Storage,
                            "Failed to create filesystem probe for device " + device());
  auto r = b.buildPool(pool, kNoOverwrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::StorageProbeFailed);
  EXPECT_FALSE(fs_.exists(target()));
}

TEST_F(FsBackendOps, MkfsFailureRemovesTheDirectoryItMade) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool("ext4");
  commands_.expect("mkfs", "-t", "ext4", "-F", device())
      .replies(1, "", "mke2fs: Device size reported to be zero.\n");
  auto r = b.buildPool(pool, kOverwrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_NE(r.error().message.find("mke2fs: Device size reported to be zero."), std::string::npos);
  EXPECT_FALSE(fs_.exists(target()));
}

TEST_F(FsBackendOps, MkfsFailureKeepsADirectoryThatWasThere) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool("ext4");
  ASSERT_EQ(::mkdir(target().c_str(), 0755), 0);
  commands_.expect("mkfs", "-t", "ext4", "-F", device()).fails(testing::timeoutError());
  auto r = b.buildPool(pool, kOverwrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  EXPECT_TRUE(fs_.exists(target()));
}

TEST_F(FsBackendOps, BuildRefusesBothFlagsAndUnknownOnes) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  auto both = b.buildPool(pool, kOverwrite | kNoOverwrite);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(both.error().message,
            "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and 'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' "
            "are mutually exclusive");
  auto repair = b.buildPool(pool, kRepair);
  ASSERT_FALSE(repair);
  EXPECT_EQ(repair.error().code, ErrorCode::InvalidArg);
  EXPECT_FALSE(fs_.exists(target()));
}

TEST_F(FsBackendOps, BuildOfAMissingDeviceIsLibvirtsError) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  pool.def.source.devices[0].path = dir_.file("nodevice");
  auto r = b.buildPool(pool, kOverwrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(r.error().message, "Source device does not exist when formatting pool 'fspool'");
  EXPECT_FALSE(fs_.exists(target()));
}

TEST_F(FsBackendOps, NetfsBuildMakesTheDirectoryAndCannotFormat) {
  auto b = backend(model::PoolType::Netfs);
  auto pool = netfsPool();
  ASSERT_TRUE(b.buildPool(pool, 0));
  EXPECT_TRUE(fs_.exists(target()));
  ASSERT_EQ(::rmdir(target().c_str()), 0);
  auto r = b.buildPool(pool, kOverwrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(r.error().message, "No source device specified when formatting pool 'nfspool'");
  EXPECT_FALSE(fs_.exists(target()));
}

TEST_F(FsBackendOps, DeleteRemovesTheTargetDirectory) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  ASSERT_TRUE(b.buildPool(pool, 0));
  ASSERT_TRUE(b.deletePool(pool, 0));
  EXPECT_FALSE(fs_.exists(target()));
  auto again = b.deletePool(pool, 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::SystemError);
}

TEST_F(FsBackendOps, RefreshAndVolumesAreTheDirBackendsOnTheTarget) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  ASSERT_TRUE(b.buildPool(pool, 0));
  dir_.write("pool/disk.img", std::string(4096, 'x'));
  ASSERT_TRUE(b.refreshPool(pool));
  ASSERT_EQ(pool.volumes.size(), 1u);
  EXPECT_EQ(pool.volumes[0].name, "disk.img");
  EXPECT_EQ(pool.volumes[0].capacity, 4096u);
  EXPECT_GT(pool.def.capacity, 0u);

  model::VolDef vol;
  vol.name = "new.raw";
  vol.capacity = 1 << 20;
  vol.hasCapacity = true;
  ASSERT_TRUE(b.createVol(pool, vol));
  EXPECT_EQ(vol.target.path, target() + "/new.raw");
  ASSERT_TRUE(b.buildVol(pool, vol, 0));
  EXPECT_EQ(fs_.stat(vol.target.path)->size, 1u << 20);
  ASSERT_TRUE(b.deleteVol(pool, vol, 0));
  EXPECT_FALSE(fs_.exists(vol.target.path));
}

TEST_F(FsBackendOps, VolumeCommandDeadlineIsOperationTimeoutAndRollsBack) {
  auto b = backend(model::PoolType::Fs);
  auto pool = fsPool();
  ASSERT_TRUE(b.buildPool(pool, 0));
  model::VolDef vol;
  vol.name = "disk.vmdk";
  vol.capacity = 10 << 20;
  vol.hasCapacity = true;
  vol.target.format = "vmdk";
  ASSERT_TRUE(b.createVol(pool, vol));
  commands_.expect("qemu-img", "create", "-f", "vmdk", vol.target.path, "10240K")
      .fails(testing::timeoutError());
  auto r = b.buildVol(pool, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  EXPECT_FALSE(fs_.exists(vol.target.path));
}

}  // namespace
}  // namespace virtus::storage::fs
