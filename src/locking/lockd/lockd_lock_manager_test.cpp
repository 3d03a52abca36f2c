// The lockd driver against the real virtus-lockd: two "hosts" (two roots, two daemons)
// sharing one lockspace directory, a guest's locks taken before its QEMU exists and tied to
// its pid, the hand-over of a migration (the source releases, the target acquires with the
// state), and the release of everything when the guest stops.
#include "locking/lockd/lockd_lock_manager.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/sha256.h"
#include "support/paused_child.h"
#include "support/temp_dir.h"

namespace virtus::locking {
namespace {

const std::string kBinary = VIRTUS_BINARY_DIR "/bin/virtus-lockd";

// A process standing in for a guest's QEMU.
using Guest = fixtures::PausedChild;

// A host: its root, the virtus-lockd its driver starts (killed at the end), the driver.
class Host {
 public:
  Host(const std::string& root, const std::string& name, const std::string& lockspace)
      : root_(root) {
    LockdDriverOptions options;
    options.config.fileLockspaceDir = lockspace;
    options.launch.binary = kBinary;
    options.launch.root = root;
    options.launch.host = name;
    options.timeout = std::chrono::seconds(20);
    manager_ = std::make_unique<LockdLockManager>(options);
  }
  ~Host() {
    std::ifstream file(root_ + "/run/virtus-lockd.pid");
    pid_t pid = 0;
    if (file >> pid && pid > 0)
      ::kill(pid, SIGKILL);
  }
  LockdLockManager& locks() { return *manager_; }

 private:
  std::string root_;
  std::unique_ptr<LockdLockManager> manager_;
};

LockOwner owner(const std::string& uuid, const std::string& name, pid_t pid = 0) {
  LockOwner o;
  o.uuid = *Uuid::parse(uuid);
  o.name = name;
  o.id = 1;
  o.pid = pid;
  return o;
}

LockResource disk(const std::string& path) {
  LockResource r;
  r.name = path;
  return r;
}

constexpr const char* kUuid = "6a5b2c1e-3f44-4d0e-9a77-2b1c0d9e8f01";
constexpr const char* kOtherUuid = "3c7d1e2a-5b6f-4a8e-9d01-7e2f3a4b5c6d";

struct LockdDriverReal : ::testing::Test {
  void SetUp() override {
    if (!std::filesystem::exists(kBinary))
      GTEST_SKIP() << kBinary << " is not built";
    image = dir.file("disk.img");
    std::ofstream(image) << "x";
    std::filesystem::create_directories(dir.file("lockspace"));
  }
  fixtures::TempDir dir{"lockd-driver"};
  std::string image;
};

TEST_F(LockdDriverReal, ASecondHostIsRefusedUntilTheMigrationHandsTheLockOver) {
  Host source(dir.file("src"), "src-host", dir.file("lockspace"));
  Host target(dir.file("dst"), "dst-host", dir.file("lockspace"));
  Guest onSource, onTarget;

  // The source's guest: locks taken before QEMU, then tied to its pid.
  auto running = source.locks().openSession(owner(kUuid, "web"));
  ASSERT_TRUE(running);
  ASSERT_TRUE((*running)->addResource(disk(image)));
  auto prepared = (*running)->prepare();
  ASSERT_TRUE(prepared) << prepared.error().message;
  ASSERT_TRUE((*running)->acquire(onSource.pid(), ""));
  running->reset();  // the locks stay with virtus-lockd and the pid
  EXPECT_TRUE(std::filesystem::exists(dir.file("lockspace") + "/" + sha256Hex(image)));

  // The target host cannot take the disk: the holder is named across hosts.
  auto incoming = target.locks().openSession(owner(kUuid, "web", 0));
  ASSERT_TRUE(incoming);
  ASSERT_TRUE((*incoming)->addResource(disk(image)));
  auto refused = (*incoming)->prepare();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);
  EXPECT_EQ(refused.error().message, "Lockspace resource '" + image +
                                         "' is locked by domain 'web' (pid " +
                                         std::to_string(onSource.pid()) + ") on host 'src-host'");

  // Hand-over: the source's state, then its release; the target acquires with the state.
  auto leaving = source.locks().openSession(owner(kUuid, "web", onSource.pid()));
  ASSERT_TRUE(leaving && (*leaving)->addResource(disk(image)));
  auto state = (*leaving)->inquire();
  ASSERT_TRUE(state);
  auto released = (*leaving)->release();
  ASSERT_TRUE(released) << released.error().message;
  auto acquired = (*incoming)->acquire(onTarget.pid(), *state);
  ASSERT_TRUE(acquired) << acquired.error().message;

  auto report = target.locks().report();
  ASSERT_TRUE(report);
  ASSERT_EQ(report->locks.size(), 1u);
  EXPECT_EQ(report->locks[0].resource, image);
  EXPECT_EQ(report->locks[0].pid, onTarget.pid());
  EXPECT_EQ(report->locks[0].host, "dst-host");
  auto sourceReport = source.locks().report();
  ASSERT_TRUE(sourceReport);
  EXPECT_TRUE(sourceReport->locks.empty());

  // Now the source is the one refused.
  auto back = source.locks().openSession(owner(kUuid, "web"));
  ASSERT_TRUE(back && (*back)->addResource(disk(image)));
  auto again = (*back)->prepare();
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("on host 'dst-host'"), std::string::npos)
      << again.error().message;
}

TEST_F(LockdDriverReal, AStoppedGuestReleasesEverythingAndAFailedStartHoldsNothing) {
  Host host(dir.file("root"), "vm", "");
  Guest guest;
  {
    // A start that fails after prepare (QEMU never ran): the session's end drops the locks.
    auto failed = host.locks().openSession(owner(kUuid, "web"));
    ASSERT_TRUE(failed && (*failed)->addResource(disk(image)));
    ASSERT_TRUE((*failed)->prepare());
    auto during = host.locks().report();
    ASSERT_TRUE(during);
    EXPECT_EQ(during->locks.size(), 1u);
  }
  // virtus-lockd releases them once it sees the connection closed (bounded wait).
  auto after = host.locks().openSession(owner(kOtherUuid, "other"));
  ASSERT_TRUE(after && (*after)->addResource(disk(image)));
  Result<void> prepared = ok();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(prepared = (*after)->prepare()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(prepared) << prepared.error().message;
  ASSERT_TRUE((*after)->acquire(guest.pid(), ""));

  // The guest stops: a session without resources releases all it holds.
  auto stop = host.locks().openSession(owner(kOtherUuid, "other", guest.pid()));
  ASSERT_TRUE(stop);
  ASSERT_TRUE((*stop)->release());
  auto report = host.locks().report();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->locks.empty());
}

}  // namespace
}  // namespace virtus::locking
