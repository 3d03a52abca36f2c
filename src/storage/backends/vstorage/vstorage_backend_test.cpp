// The vstorage backend on golden vstorage-mount/umount command lines and mount tables laid
// out as /proc/mounts in a temporary directory (Virtuozzo Storage cannot run here: the
// mount lines are recorded in the form its FUSE client leaves in /proc/mounts).
#include "storage/backends/vstorage/vstorage_backend.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/vstorage/vstorage_mount.h"
#include "support/temp_dir.h"

namespace virtus::storage::vstorage {
namespace {

using Argv = std::vector<std::string>;

Argv argv(const os::Command& cmd) {
  Argv v{cmd.program};
  v.insert(v.end(), cmd.args.begin(), cmd.args.end());
  return v;
}

class FakeAccounts final : public Accounts {
 public:
  std::uint32_t effectiveUid() const override { return 0; }
  std::uint32_t effectiveGid() const override { return 0; }
  Result<std::string> userName(std::uint32_t uid) const override {
    if (auto it = users.find(uid); it != users.end())
      return it->second;
    return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                     "Failed to find user record for uid '" + std::to_string(uid) + "'");
  }
  Result<std::string> groupName(std::uint32_t gid) const override {
    if (auto it = groups.find(gid); it != groups.end())
      return it->second;
    return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                     "Failed to find group record for gid '" + std::to_string(gid) + "'");
  }
  std::map<std::uint32_t, std::string> users{{0, "root"}, {107, "qemu"}};
  std::map<std::uint32_t, std::string> groups{{0, "root"}, {36, "kvm"}};
};

model::PoolDef vstoragePool(const std::string& target = "/mnt/vstorage_cluster") {
  model::PoolDef def;
  def.type = model::PoolType::Vstorage;
  def.name = "vstorage";
  def.source.name = "vzstorage-cluster";
  def.target.path = target;
  return def;
}

// A /proc/mounts line as the vstorage FUSE client leaves it.
std::string mountLine(const std::string& cluster, const std::string& target) {
  return "vstorage://" + cluster + " " + target +
         " fuse.vstorage rw,nosuid,nodev,relatime,user_id=0,group_id=0,allow_other 0 0\n";
}

constexpr const char* kOtherMounts =
    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
    "/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0\n";

TEST(VstorageMountRecorded, GoldenCommandLines) {
  auto def = vstoragePool();
  EXPECT_EQ(argv(buildMount(def, 0711, "root", "root")),
            (Argv{"vstorage-mount", "-c", "vzstorage-cluster", "/mnt/vstorage_cluster", "-m", "711",
                  "-g", "root", "-u", "root"}));
  EXPECT_EQ(argv(buildMount(def, 02775, "kvm", "qemu")),
            (Argv{"vstorage-mount", "-c", "vzstorage-cluster", "/mnt/vstorage_cluster", "-m",
                  "2775", "-g", "kvm", "-u", "qemu"}));
  EXPECT_EQ(argv(buildUmount(def)), (Argv{"umount", "/mnt/vstorage_cluster"}));
}

TEST(VstorageMountRecorded, FindsTheClusterOnTheTarget) {
  auto def = vstoragePool();
  EXPECT_TRUE(isMountedIn(
      std::string(kOtherMounts) + mountLine("vzstorage-cluster", "/mnt/vstorage_cluster"), def));
  EXPECT_FALSE(isMountedIn(kOtherMounts, def));
  EXPECT_FALSE(isMountedIn(mountLine("other-cluster", "/mnt/vstorage_cluster"), def));
  EXPECT_FALSE(isMountedIn(mountLine("vzstorage-cluster", "/mnt/elsewhere"), def));
  EXPECT_FALSE(isMountedIn("vstorage://vzstorage-cluster\n", def));
  EXPECT_FALSE(isMountedIn("", def));
  // The kernel escapes spaces in paths as \040.
  auto spaced = vstoragePool("/mnt/vz cluster");
  EXPECT_TRUE(isMountedIn(mountLine("vzstorage-cluster", "/mnt/vz\\040cluster"), spaced));
  EXPECT_FALSE(isMountedIn(mountLine("vzstorage-cluster", "/mnt/vz\\040cluster"), def));
}

class VstorageRecorded : public ::testing::Test {
 protected:
  VstorageRecorded() {
    std::filesystem::create_directories(tmp_.file("proc"));
    pool_.def = vstoragePool(tmp_.file("cluster"));
    auto accounts = std::make_unique<FakeAccounts>();
    accounts_ = accounts.get();
    backend_ = std::make_unique<VstorageBackend>(ctx_, HostRoots{"", "", tmp_.file("proc")},
                                                 std::move(accounts));
  }
  void mounted(bool yes) {
    tmp_.write("proc/mounts",
               std::string(kOtherMounts) +
                   (yes ? mountLine("vzstorage-cluster", pool_.def.target.path) : ""));
  }
  Argv mountArgv(const std::string& mode, const std::string& group, const std::string& user) {
    return {"vstorage-mount",
            "-c",
            "vzstorage-cluster",
            pool_.def.target.path,
            "-m",
            mode,
            "-g",
            group,
            "-u",
            user};
  }
  Error timeoutError() {
    return makeError(ErrorCode::OperationTimeout, ErrorDomain::None, "command timed out");
  }

  fixtures::TempDir tmp_{"virtus-vstorage"};
  virtus::testing::FakeCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  BackendContext ctx_{commands_, fs_, clock_, nullptr, std::chrono::milliseconds(1234)};
  FakeAccounts* accounts_ = nullptr;
  std::unique_ptr<VstorageBackend> backend_;
  PoolRuntime pool_;
};

TEST_F(VstorageRecorded, DeclaresTheDirOperationsAndMounting) {
  EXPECT_EQ(backend_->type(), model::PoolType::Vstorage);
  auto f = backend_->features();
  EXPECT_TRUE(f.buildPool && f.startPool && f.stopPool && f.deletePool && f.createVol &&
              f.buildVol && f.buildVolFrom && f.refreshVol && f.deleteVol && f.resizeVol &&
              f.uploadVol && f.downloadVol && f.wipeVol);
  EXPECT_FALSE(f.findPoolSources);
}

TEST_F(VstorageRecorded, StartMountsWithDefaultPermissions) {
  mounted(false);
  commands_.expectArgv(mountArgv("711", "root", "root")).replies(0);
  auto r = backend_->startPool(pool_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(pool_.def.target.perms.mode, 0711u);
  EXPECT_EQ(pool_.def.target.perms.uid, 0);
  EXPECT_EQ(pool_.def.target.perms.gid, 0);
  ASSERT_EQ(commands_.commands().size(), 1u);
  EXPECT_EQ(commands_.commands()[0].timeout, std::chrono::milliseconds(1234));
}

TEST_F(VstorageRecorded, StartMountsWithTheTargetsPermissions) {
  mounted(false);
  pool_.def.target.perms.mode = 0755;
  pool_.def.target.perms.uid = 107;
  pool_.def.target.perms.gid = 36;
  commands_.expectArgv(mountArgv("755", "kvm", "qemu")).replies(0);
  ASSERT_TRUE(backend_->startPool(pool_));
  // libvirt's -1 means unset.
  pool_.def.target.perms.uid = -1;
  commands_.expectArgv(mountArgv("755", "kvm", "root")).replies(0);
  ASSERT_TRUE(backend_->startPool(pool_));
}

TEST_F(VstorageRecorded, StartFailures) {
  mounted(false);
  pool_.def.target.perms.uid = 4242;
  auto unknown = backend_->startPool(pool_);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::SystemError);
  EXPECT_EQ(unknown.error().message, "Failed to find user record for uid '4242'");
  EXPECT_TRUE(commands_.commands().empty());

  pool_.def.target.perms.uid.reset();
  commands_.expectArgv(mountArgv("711", "root", "root"))
      .replies(1, "", "Failed to connect to cluster vzstorage-cluster: Connection refused\n");
  auto refused = backend_->startPool(pool_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InternalError);
  EXPECT_NE(refused.error().message.find("unexpected exit status 1: Failed to connect to cluster"),
            std::string::npos);

  commands_.expectArgv(mountArgv("711", "root", "root")).fails(timeoutError());
  auto hung = backend_->startPool(pool_);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::OperationTimeout);
}

TEST_F(VstorageRecorded, StartOfAMountedClusterRunsNothing) {
  mounted(true);
  ASSERT_TRUE(backend_->startPool(pool_));
  EXPECT_TRUE(commands_.commands().empty());
}

TEST_F(VstorageRecorded, StopUnmountsOnlyWhenMounted) {
  mounted(false);
  ASSERT_TRUE(backend_->stopPool(pool_));
  EXPECT_TRUE(commands_.commands().empty());

  mounted(true);
  commands_.expect("umount", pool_.def.target.path).replies(0);
  ASSERT_TRUE(backend_->stopPool(pool_));
  EXPECT_EQ(commands_.commands().back().timeout, std::chrono::milliseconds(1234));

  commands_.expect("umount", pool_.def.target.path)
      .replies(32, "", "umount: " + pool_.def.target.path + ": target is busy.\n");
  auto busy = backend_->stopPool(pool_);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::InternalError);
  EXPECT_NE(busy.error().message.find("target is busy."), std::string::npos);

  commands_.expect("umount", pool_.def.target.path).fails(timeoutError());
  EXPECT_EQ(backend_->stopPool(pool_).error().code, ErrorCode::OperationTimeout);
}

TEST_F(VstorageRecorded, CheckReadsTheMountTable) {
  mounted(true);
  auto yes = backend_->checkPool(pool_);
  ASSERT_TRUE(yes);
  EXPECT_TRUE(*yes);
  mounted(false);
  auto no = backend_->checkPool(pool_);
  ASSERT_TRUE(no);
  EXPECT_FALSE(*no);

  std::filesystem::remove(tmp_.file("proc/mounts"));
  auto unreadable = backend_->checkPool(pool_);
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().code, ErrorCode::SystemError);
  EXPECT_EQ(unreadable.error().message.rfind(
                "cannot read mount list '" + tmp_.file("proc/mounts") + "': ", 0),
            0u)
      << unreadable.error().message;
}

TEST_F(VstorageRecorded, BuildMakesTheTargetDirectory) {
  pool_.def.target.perms.mode = 0750;
  ASSERT_TRUE(backend_->buildPool(pool_, 0));
  struct stat st {};
  ASSERT_EQ(::stat(pool_.def.target.path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  auto flags = backend_->buildPool(pool_, driver::build_pool::kOverwrite);
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(flags.error().message,
            "unsupported flags (0x8) in function virStorageBackendVzPoolBuild");
  ASSERT_TRUE(backend_->deletePool(pool_, 0));
  EXPECT_FALSE(std::filesystem::exists(pool_.def.target.path));
}

TEST_F(VstorageRecorded, VolumesAreTheDirBackends) {
  ASSERT_TRUE(backend_->buildPool(pool_, 0));
  model::VolDef vol;
  vol.name = "disk.raw";
  vol.capacity = 1048576;
  vol.hasCapacity = true;
  ASSERT_TRUE(backend_->createVol(pool_, vol));
  EXPECT_EQ(vol.target.path, pool_.def.target.path + "/disk.raw");
  auto built = backend_->buildVol(pool_, vol, 0);
  ASSERT_TRUE(built) << built.error().message;
  auto refreshed = backend_->refreshPool(pool_);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  ASSERT_EQ(pool_.volumes.size(), 1u);
  EXPECT_EQ(pool_.volumes[0].name, "disk.raw");
  EXPECT_EQ(pool_.volumes[0].capacity, 1048576u);
  ASSERT_TRUE(backend_->resizeVol(pool_, vol, 2097152, 0));
  ASSERT_TRUE(backend_->refreshVol(pool_, vol));
  EXPECT_EQ(vol.capacity, 2097152u);
  ASSERT_TRUE(backend_->deleteVol(pool_, vol, 0));
  EXPECT_FALSE(std::filesystem::exists(vol.target.path));
  EXPECT_TRUE(commands_.commands().empty());
}

}  // namespace
}  // namespace virtus::storage::vstorage
