// The sanlock driver against a real sanlock daemon (no watchdog, unprivileged mode, its own
// run directory), with guests played by `virtus-sanlock-register sleep 30` processes. One
// daemon and one joined lockspace serve the whole suite.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "locking/sanlock/lease_name.h"
#include "locking/sanlock/sanlock_client.h"
#include "locking/sanlock/sanlock_lock_manager.h"
#include "os/linux_file_system.h"
#include "support/temp_dir.h"

namespace virtus::locking::sanlock {
namespace {

using namespace std::chrono_literals;

const std::string kBinDir = VIRTUS_BINARY_DIR "/bin";

std::string findSanlock() {
  for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/usr/local/sbin"}) {
    std::string path = std::string(dir) + "/sanlock";
    if (::access(path.c_str(), X_OK) == 0)
      return path;
  }
  return "";
}

// A child process, killed and reaped when the guard goes.
class Child {
 public:
  // argv[0] is a path; `env` entries are set in the child only; stdout to `out` if given.
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
        const std::string& out = "") {
    pid_ = ::fork();
    if (pid_ == 0) {
      for (const std::string& e : env)
        ::putenv(const_cast<char*>(e.c_str()));
      if (!out.empty()) {
        int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      std::vector<char*> args;
      for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() { kill(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  // Waits up to `limit` for the exit; the exit status, or -1 on timeout.
  int wait(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      ::usleep(20000);  // polling the exit, bounded by the deadline
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

// Polls `check` every 20 ms until it holds or `limit` passes.
template <class F>
bool eventually(std::chrono::milliseconds limit, F check) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!check()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    ::usleep(20000);
  }
  return true;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SanlockRealTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sanlock_ = findSanlock();
    if (sanlock_.empty())
      return;
    dir_ = std::make_unique<fixtures::TempDir>("sanlock-real");
    std::filesystem::create_directories(dir_->file("run"));
    std::filesystem::create_directories(dir_->file("run2"));
    std::filesystem::create_directories(dir_->file("images"));
    // Before any thread: libsanlock finds the daemon's socket through SANLOCK_RUN_DIR.
    ::setenv("SANLOCK_RUN_DIR", dir_->file("run").c_str(), 1);
    ::setenv("SANLOCK_PRIVILEGED", "0", 1);
    daemon_ = std::make_unique<Child>(
        std::vector<std::string>{sanlock_, "daemon", "-D", "-w", "0", "-h", "0", "-l", "0", "-U",
                                 "root", "-G", "root", "-L", "-1", "-S", "-1"},
        std::vector<std::string>{}, dir_->file("sanlock.log"));
    daemonUp_ = eventually(5s, [] {
      bool joined = false;
      std::uint64_t id = 0;
      return lockspaceJoined("x", joined, id) == 0;
    });
    if (!daemonUp_)
      return;
    SanlockConfig config;
    config.hostId = 1;
    config.autoDiskLeases = true;
    config.requireLeaseForDisks = false;
    config.diskLeaseDir = dir_->file("leases");
    config.ioTimeout = 1;
    manager_ =
        std::make_unique<SanlockLockManager>(config, fs_, dir_->file("run/sanlock-leases.json"),
                                             kBinDir + "/virtus-sanlock-register", 30s);
    startResult_ = std::make_unique<Result<void>>(manager_->initialize());
    auto report = manager_->report();
    if (report && !report->lockspaces.empty())
      stateAfterStart_ = report->lockspaces[0].state;
  }

  static void TearDownTestSuite() {
    manager_.reset();
    if (daemon_ && daemon_->pid() > 0) {
      for (const std::string& run : {dir_->file("run2"), dir_->file("run")}) {
        Child shutdown({sanlock_, "client", "shutdown", "-f", "1"},
                       {"SANLOCK_RUN_DIR=" + run, "SANLOCK_PRIVILEGED=0"},
                       dir_->file("shutdown.log"));
        shutdown.wait(5s);
      }
      daemon_->wait(5s);
    }
    daemon_.reset();  // SIGKILL if still there
    daemon2_.reset();
    dir_.reset();
  }

  void SetUp() override {
    if (sanlock_.empty())
      GTEST_SKIP() << "sanlock is not installed (no sanlock in /usr/sbin)";
    ASSERT_TRUE(daemonUp_) << "the sanlock daemon did not answer: "
                           << readText(dir_->file("sanlock.log"));
    ASSERT_TRUE(*startResult_) << startResult_->error().message;
  }

  // A guest: a registered process (through the shim) and its session owner.
  struct Guest {
    std::unique_ptr<Child> process;
    LockOwner owner;
  };

  static Guest startGuest(const std::string& name, const std::vector<std::string>& env = {}) {
    Guest g;
    g.process = std::make_unique<Child>(
        std::vector<std::string>{kBinDir + "/virtus-sanlock-register", "/bin/sleep", "30"}, env);
    g.owner.name = name;
    g.owner.uuid = Uuid::generate();
    g.owner.pid = g.process->pid();
    if (env.empty()) {
      pid_t pid = g.owner.pid;
      bool registered = eventually(5s, [&] {
        std::string state;
        return inquire(pid, state) == 0;
      });
      EXPECT_TRUE(registered) << "guest " << name << " did not register with sanlock";
    }
    return g;
  }

  static std::unique_ptr<LockSession> session(const LockOwner& owner,
                                              const std::vector<LockResource>& resources) {
    auto s = manager_->openSession(owner);
    EXPECT_TRUE(s);
    for (const LockResource& r : resources)
      EXPECT_TRUE((*s)->addResource(r));
    return std::move(*s);
  }

  static LockResource disk(const std::string& name, bool shared = false, bool readOnly = false) {
    LockResource r;
    r.type = LockResourceType::Disk;
    r.name = dir_->file("images/" + name);
    r.shared = shared;
    r.readOnly = readOnly;
    return r;
  }

  static std::string leaseFile(const std::string& diskName) {
    return dir_->file("leases/" + diskLeaseName(dir_->file("images/" + diskName)));
  }

  static inline std::string sanlock_;
  static inline std::unique_ptr<fixtures::TempDir> dir_;
  static inline std::unique_ptr<Child> daemon_;
  static inline std::unique_ptr<Child> daemon2_;
  static inline bool daemonUp_ = false;
  static inline os::LinuxFileSystem fs_;
  static inline std::unique_ptr<SanlockLockManager> manager_;
  static inline std::unique_ptr<Result<void>> startResult_;
  static inline std::string stateAfterStart_;
};

TEST_F(SanlockRealTest, LockspaceIsJoinedInTheBackgroundAndPrepareWaitsForIt) {
  EXPECT_EQ(stateAfterStart_, "joining");  // initialize() returned before the join
  Guest a = startGuest("join");
  auto s = session(a.owner, {disk("join.img")});
  auto prepared = s->prepare();
  ASSERT_TRUE(prepared) << prepared.error().message;
  auto report = manager_->report();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->driver, "sanlock");
  ASSERT_EQ(report->lockspaces.size(), 1u);
  EXPECT_EQ(report->lockspaces[0].name, "__LIBVIRT__DISKS__");
  EXPECT_EQ(report->lockspaces[0].state, "joined");
  EXPECT_EQ(report->lockspaces[0].path, dir_->file("leases/__LIBVIRT__DISKS__"));
  EXPECT_EQ(std::filesystem::file_size(dir_->file("leases/__LIBVIRT__DISKS__")), kLeaseFileSize);
  EXPECT_EQ(std::filesystem::file_size(leaseFile("join.img")), kLeaseFileSize);
  EXPECT_EQ(s->commandPrefix(), std::vector<std::string>{kBinDir + "/virtus-sanlock-register"});
}

TEST_F(SanlockRealTest, SecondGuestOnAWritableDiskIsRefusedUntilTheFirstReleases) {
  Guest a = startGuest("alpha");
  Guest b = startGuest("beta");
  auto sa = session(a.owner, {disk("shared-by-two.img")});
  ASSERT_TRUE(sa->prepare());
  auto acquired = sa->acquire(a.owner.pid, "");
  ASSERT_TRUE(acquired) << acquired.error().message;

  auto report = manager_->report();
  ASSERT_TRUE(report);
  bool listed = false;
  for (const HeldLock& l : report->locks) {
    if (l.resource == disk("shared-by-two.img").name) {
      listed = true;
      EXPECT_EQ(l.domain, "alpha");
      EXPECT_EQ(l.uuid, a.owner.uuid);
      EXPECT_EQ(l.pid, a.owner.pid);
      EXPECT_EQ(l.host, "host id 1");
      EXPECT_EQ(l.lockspace, "__LIBVIRT__DISKS__");
      EXPECT_EQ(l.file, leaseFile("shared-by-two.img"));
      EXPECT_FALSE(l.shared);
      EXPECT_GT(l.since, 0);
    }
  }
  EXPECT_TRUE(listed);

  auto sb = session(b.owner, {disk("shared-by-two.img")});
  auto refused = sb->prepare();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);
  EXPECT_NE(refused.error().message.find(disk("shared-by-two.img").name), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("guest 'alpha'"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("host id 1"), std::string::npos);

  auto refusedAcquire = sb->acquire(b.owner.pid, "");
  ASSERT_FALSE(refusedAcquire);
  EXPECT_EQ(refusedAcquire.error().code, ErrorCode::ResourceBusy);
  EXPECT_NE(refusedAcquire.error().message.find(disk("shared-by-two.img").name), std::string::npos)
      << refusedAcquire.error().message;

  // Released with a session without resources (a guest's stop): everything goes.
  auto stop = manager_->openSession(a.owner);
  ASSERT_TRUE(stop);
  auto state = (*stop)->release();
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_NE(state->find(diskLeaseName(disk("shared-by-two.img").name)), std::string::npos)
      << *state;

  ASSERT_TRUE(sb->prepare());
  auto second = sb->acquire(b.owner.pid, "");
  ASSERT_TRUE(second) << second.error().message;
  auto inquired = sb->inquire();
  ASSERT_TRUE(inquired) << inquired.error().message;
  EXPECT_NE(inquired->find(diskLeaseName(disk("shared-by-two.img").name)), std::string::npos);
  ASSERT_TRUE(sb->release());
  auto after = sb->inquire();
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, "");
}

TEST_F(SanlockRealTest, SharedDisksGoToBothAndReadOnlyDisksNeedNoLease) {
  Guest a = startGuest("shared-a");
  Guest b = startGuest("shared-b");
  auto sa = session(a.owner, {disk("cluster.img", true), disk("cdrom.iso", false, true)});
  auto sb = session(b.owner, {disk("cluster.img", true), disk("cdrom.iso", false, true)});
  ASSERT_TRUE(sa->prepare());
  ASSERT_TRUE(sa->acquire(a.owner.pid, ""));
  auto prepared = sb->prepare();
  ASSERT_TRUE(prepared) << prepared.error().message;
  auto acquired = sb->acquire(b.owner.pid, "");
  ASSERT_TRUE(acquired) << acquired.error().message;
  EXPECT_FALSE(std::filesystem::exists(leaseFile("cdrom.iso")));

  // An exclusive user of the shared disk is refused.
  Guest c = startGuest("exclusive-c");
  auto sc = session(c.owner, {disk("cluster.img")});
  auto refused = sc->prepare();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);

  auto report = manager_->report();
  ASSERT_TRUE(report);
  int sharedLocks = 0;
  for (const HeldLock& l : report->locks) {
    EXPECT_NE(l.resource, disk("cdrom.iso").name);
    if (l.resource == disk("cluster.img").name) {
      EXPECT_TRUE(l.shared);
      ++sharedLocks;
    }
  }
  EXPECT_EQ(sharedLocks, 2);
  ASSERT_TRUE(sa->release());
  ASSERT_TRUE(sb->release());
}

TEST_F(SanlockRealTest, KilledHolderFreesTheDisk) {
  Guest a = startGuest("killed");
  Guest b = startGuest("survivor");
  auto sa = session(a.owner, {disk("killed.img")});
  ASSERT_TRUE(sa->acquire(a.owner.pid, ""));
  auto sb = session(b.owner, {disk("killed.img")});
  ASSERT_FALSE(sb->prepare());
  a.process->kill();
  // sanlock drops a dead pid's leases as soon as it sees its connection close.
  bool acquired = eventually(5s, [&] { return bool(sb->acquire(b.owner.pid, "")); });
  EXPECT_TRUE(acquired);
  // Releasing for the dead guest is not an error.
  auto stopped = sa->release();
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(*stopped, "");
  auto report = manager_->report();
  ASSERT_TRUE(report);
  for (const HeldLock& l : report->locks)
    EXPECT_NE(l.domain, "killed");
  ASSERT_TRUE(sb->release());
}

TEST_F(SanlockRealTest, ReleasedStateHandsTheLeasesToAnotherProcess) {
  Guest source = startGuest("migrating");
  Guest target = startGuest("migrating");
  target.owner.uuid = source.owner.uuid;
  auto ss = session(source.owner, {disk("migrate.img")});
  ASSERT_TRUE(ss->acquire(source.owner.pid, ""));
  auto inquired = ss->inquire();
  ASSERT_TRUE(inquired);
  auto state = ss->release();
  ASSERT_TRUE(state);
  EXPECT_EQ(*state, *inquired);
  EXPECT_NE(state->find("__LIBVIRT__DISKS__:" + diskLeaseName(disk("migrate.img").name)),
            std::string::npos);
  auto st = session(target.owner, {disk("migrate.img")});
  auto acquired = st->acquire(target.owner.pid, *state);
  ASSERT_TRUE(acquired) << acquired.error().message;
  auto held = st->inquire();
  ASSERT_TRUE(held);
  EXPECT_NE(held->find(diskLeaseName(disk("migrate.img").name)), std::string::npos);
  ASSERT_TRUE(st->release());
}

TEST_F(SanlockRealTest, CleanupRemovesFreeLeaseFilesAndKeepsHeldOnes) {
  Guest a = startGuest("cleanup-holder");
  auto held = session(a.owner, {disk("held.img")});
  ASSERT_TRUE(held->acquire(a.owner.pid, ""));
  Guest b = startGuest("cleanup-gone");
  auto freed = session(b.owner, {disk("free.img")});
  ASSERT_TRUE(freed->prepare());  // creates the lease file, holds nothing
  ASSERT_TRUE(std::filesystem::exists(leaseFile("free.img")));

  Child dry({kBinDir + "/virtus-sanlock-cleanup", "--dir", dir_->file("leases"), "--dry-run"}, {},
            dir_->file("cleanup-dry.out"));
  ASSERT_EQ(dry.wait(20s), 0) << readText(dir_->file("cleanup-dry.out"));
  EXPECT_TRUE(std::filesystem::exists(leaseFile("free.img")));

  Child cleanup({kBinDir + "/virtus-sanlock-cleanup", "--dir", dir_->file("leases")}, {},
                dir_->file("cleanup.out"));
  ASSERT_EQ(cleanup.wait(20s), 0) << readText(dir_->file("cleanup.out"));
  std::string out = readText(dir_->file("cleanup.out"));
  EXPECT_NE(out.find("removed " + leaseFile("free.img")), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(leaseFile("free.img")));
  EXPECT_TRUE(std::filesystem::exists(leaseFile("held.img")));
  EXPECT_TRUE(std::filesystem::exists(dir_->file("leases/__LIBVIRT__DISKS__")));
  // The holder still holds it.
  auto state = held->inquire();
  ASSERT_TRUE(state);
  EXPECT_NE(state->find(diskLeaseName(disk("held.img").name)), std::string::npos);
  ASSERT_TRUE(held->release());
}

TEST_F(SanlockRealTest, CleanupRefusesWithoutTheLockspace) {
  fixtures::TempDir other("sanlock-norun");
  std::filesystem::create_directories(other.file("run"));
  Child cleanup({kBinDir + "/virtus-sanlock-cleanup", "--dir", dir_->file("leases")},
                {"SANLOCK_RUN_DIR=" + other.file("run")}, dir_->file("cleanup-norun.out"));
  EXPECT_EQ(cleanup.wait(20s), 1);
}

TEST_F(SanlockRealTest, RegisterShimFailsClearlyWithoutADaemon) {
  fixtures::TempDir other("sanlock-norun");
  Child shim({kBinDir + "/virtus-sanlock-register", "/bin/true"},
             {"SANLOCK_RUN_DIR=" + other.path()}, other.file("out"));
  EXPECT_EQ(shim.wait(10s), 1);
  EXPECT_NE(readText(other.file("out")).find("cannot register with the sanlock daemon"),
            std::string::npos);
}

// A second "host": another daemon with its own run directory and host id 2, joined to the
// same lockspace file, holding a disk through the sanlock CLI for a process registered with
// it. This host must refuse the disk, naming host id 2.
TEST_F(SanlockRealTest, AnotherHostHoldingTheDiskIsNamed) {
  // This host's manager writes the lockspace and joins it in the background: host 2 can only
  // join a written lockspace.
  ASSERT_TRUE(eventually(60s, [&] {
    auto report = manager_->report();
    return report && !report->lockspaces.empty() && report->lockspaces[0].state == "joined";
  }));
  std::vector<std::string> env2 = {"SANLOCK_RUN_DIR=" + dir_->file("run2"), "SANLOCK_PRIVILEGED=0"};
  daemon2_ = std::make_unique<Child>(
      std::vector<std::string>{sanlock_, "daemon", "-D", "-w", "0", "-h", "0", "-l", "0", "-U",
                               "root", "-G", "root", "-L", "-1", "-S", "-1", "-e", "hostB"},
      env2, dir_->file("sanlock2.log"));
  bool up = eventually(5s, [&] {
    Child status({sanlock_, "client", "status"}, env2, dir_->file("status2.out"));
    return status.wait(2s) == 0;
  });
  ASSERT_TRUE(up) << readText(dir_->file("sanlock2.log"));
  std::string ls = "__LIBVIRT__DISKS__:2:" + dir_->file("leases/__LIBVIRT__DISKS__") + ":0";
  Child add({sanlock_, "client", "add_lockspace", "-s", ls, "-o", "1"}, env2,
            dir_->file("add2.out"));
  ASSERT_EQ(add.wait(15s), 0) << readText(dir_->file("add2.out"));

  // This host creates the lease file (prepare), host 2 takes it.
  Guest local = startGuest("local");
  auto s = session(local.owner, {disk("two-hosts.img")});
  ASSERT_TRUE(s->prepare());
  Guest remote = startGuest("remote", env2);
  std::string res = "__LIBVIRT__DISKS__:" + diskLeaseName(disk("two-hosts.img").name) + ":" +
                    leaseFile("two-hosts.img") + ":0";
  bool taken = eventually(5s, [&] {
    Child acquire(
        {sanlock_, "client", "acquire", "-r", res, "-p", std::to_string(remote.owner.pid)}, env2,
        dir_->file("acquire2.out"));
    return acquire.wait(10s) == 0;
  });
  ASSERT_TRUE(taken) << readText(dir_->file("acquire2.out"));

  auto refused = s->prepare();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);
  EXPECT_NE(refused.error().message.find("host id 2"), std::string::npos)
      << refused.error().message;
  auto refusedAcquire = s->acquire(local.owner.pid, "");
  ASSERT_FALSE(refusedAcquire);
  EXPECT_EQ(refusedAcquire.error().code, ErrorCode::ResourceBusy);
  EXPECT_NE(refusedAcquire.error().message.find(disk("two-hosts.img").name), std::string::npos)
      << refusedAcquire.error().message;

  // Host 2's holder goes: this host gets the disk.
  remote.process->kill();
  bool acquired = eventually(10s, [&] { return bool(s->acquire(local.owner.pid, "")); });
  EXPECT_TRUE(acquired);
  ASSERT_TRUE(s->release());
}

TEST(SanlockSessionTest, WritableDiskWithoutLeaseIsRefusedWhenLeasesAreRequired) {
  fixtures::TempDir dir("sanlock-noauto");
  os::LinuxFileSystem fs;
  SanlockConfig config;
  config.diskLeaseDir = dir.file("leases");
  config.requireLeaseForDisks = true;
  SanlockLockManager manager(config, fs, dir.file("state.json"), "/bin/virtus-sanlock-register",
                             1s);
  ASSERT_TRUE(manager.initialize());
  LockOwner owner;
  owner.name = "vm";
  auto s = manager.openSession(owner);
  ASSERT_TRUE(s);
  LockResource ro;
  ro.name = "/images/ro.iso";
  ro.readOnly = true;
  ASSERT_TRUE((*s)->addResource(ro));
  ASSERT_TRUE((*s)->prepare());  // read-only only: nothing to lease
  LockResource rw;
  rw.name = "/images/rw.img";
  ASSERT_TRUE((*s)->addResource(rw));
  auto refused = (*s)->prepare();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(refused.error().message,
            "Read/write, exclusive access, disks were present, but no leases specified");
  auto report = manager.report();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->lockspaces.empty());
  EXPECT_EQ(manager.name(), "sanlock");
  EXPECT_TRUE(manager.features().locksResources && manager.features().hotplug &&
              manager.features().migration);
}

TEST(SanlockSessionTest, PrepareWithoutStartSaysSo) {
  fixtures::TempDir dir("sanlock-nostart");
  os::LinuxFileSystem fs;
  SanlockConfig config;
  config.hostId = 1;
  config.autoDiskLeases = true;
  config.diskLeaseDir = dir.file("leases");
  SanlockLockManager manager(config, fs, dir.file("state.json"), "/x", 1s);
  LockOwner owner;
  owner.name = "vm";
  auto s = manager.openSession(owner);
  ASSERT_TRUE(s);
  LockResource rw;
  rw.name = "/images/rw.img";
  ASSERT_TRUE((*s)->addResource(rw));
  auto refused = (*s)->prepare();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::OperationFailed);
  EXPECT_NE(refused.error().message.find("'__LIBVIRT__DISKS__'"), std::string::npos);
}

}  // namespace
}  // namespace virtus::locking::sanlock
