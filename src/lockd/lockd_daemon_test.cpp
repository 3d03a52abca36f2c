// The real virtus-lockd binary, driven through LockdClient: every daemon a test starts is
// killed by a guard, whatever happens.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "lockd/lockd_client.h"
#include "lockd/pidfd.h"
#include "support/paused_child.h"
#include "support/temp_dir.h"

namespace virtus::lockd {
namespace {

using namespace std::chrono_literals;

const std::string kBinary = VIRTUS_BINARY_DIR "/bin/virtus-lockd";
constexpr auto kWait = 10s;

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts `args` with stdout and stderr into `log`; -1 on failure.
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& arg : copy)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// The exit status of child `pid` within `timeout`; -1 if it did not exit (then killed).
int waitExit(pid_t pid, std::chrono::milliseconds timeout) {
  int pidfd = openPidFd(pid);
  if (pidfd >= 0) {
    pollfd pfd = {pidfd, POLLIN, 0};
    ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    ::close(pidfd);
  }
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid)
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// Polls `check` until it holds or `timeout` passes.
template <class F>
bool eventually(F check, std::chrono::milliseconds timeout = kWait) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (check())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    ::poll(nullptr, 0, 20);
  }
}

// A foreground virtus-lockd (child of the test) on its own root; killed when it goes.
class Daemon {
 public:
  Daemon(const std::string& root, const std::string& host) : root_(root) {
    socket_ = root + "/run/virtus-lockd.sock";
    log_ = root + ".log";
    pid_ = spawn({kBinary, "--root", root, "--host", host, "--check-interval", "1"}, log_);
  }
  ~Daemon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // A connection once the daemon listens (bounded).
  Result<LockdClient> client() {
    std::optional<Result<LockdClient>> last;
    eventually([&] {
      last.emplace(LockdClient::connect(socket_, 1s));
      return last->has_value();
    });
    return std::move(*last);
  }
  pid_t pid() const { return pid_; }
  const std::string& socket() const { return socket_; }
  std::string log() const { return readFile(log_); }

 private:
  std::string root_, socket_, log_;
  pid_t pid_ = -1;
};

// A process standing in for a guest's QEMU.
using Sleeper = fixtures::PausedChild;

// Whether an independent open file description can lock `path` (the kernel's view).
bool lockableFromOutside(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_len = 1;
  bool ok = ::fcntl(fd, F_OFD_GETLK, &lock) == 0 && lock.l_type == F_UNLCK;
  ::close(fd);
  return ok;
}

class LockdDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir.ok());
    ASSERT_TRUE(std::filesystem::exists(kBinary)) << kBinary;
    dir.write("disk.img", "data");
    disk = dir.file("disk.img");
    lockspace = dir.file("lockspace");
  }
  LockdResourceSpec direct(bool shared = false) { return {"", disk, shared, false, disk}; }
  LockdResourceSpec indirect(bool shared = false) {
    return {lockspace, sha256Hex(disk), shared, true, disk};
  }

  fixtures::TempDir dir{"lockd-daemon"};
  std::string disk, lockspace;
};

TEST_F(LockdDaemonTest, ExclusiveRefusesExclusiveNamingTheHolder) {
  Daemon daemon(dir.file("root"), "vm1");
  Sleeper guest;
  auto a = daemon.client();
  ASSERT_TRUE(a) << a.error().message << daemon.log();
  auto b = daemon.client();
  ASSERT_TRUE(b);
  for (const auto& resource : {direct(), indirect()}) {
    ASSERT_TRUE(a->acquire({"u1", "g1", 1, guest.pid()}, {resource}));
    auto refused = b->acquire({"u2", "g2", 2, 0}, {resource});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);
    EXPECT_EQ(refused.error().domain, ErrorDomain::Locking);
    EXPECT_EQ(refused.error().message, "Lockspace resource '" + disk +
                                           "' is locked by domain 'g1' (pid " +
                                           std::to_string(guest.pid()) + ") on host 'vm1'");
  }
  EXPECT_FALSE(lockableFromOutside(disk));
  EXPECT_FALSE(lockableFromOutside(lockspace + "/" + sha256Hex(disk)));
  auto held = b->list();
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].domain, "g1");
  EXPECT_EQ((*held)[0].host, "vm1");
  EXPECT_EQ((*held)[1].file, lockspace + "/" + sha256Hex(disk));
  ASSERT_TRUE(a->release("u1", {direct()}));
  EXPECT_TRUE(lockableFromOutside(disk));
  EXPECT_TRUE(b->acquire({"u2", "g2", 2, 0}, {direct()}));
}

TEST_F(LockdDaemonTest, SharedAllowsSharedButRefusesExclusive) {
  Daemon daemon(dir.file("root"), "vm1");
  auto a = daemon.client();
  ASSERT_TRUE(a) << daemon.log();
  ASSERT_TRUE(a->acquire({"u1", "g1", 1, 0}, {direct(true), indirect(true)}));
  ASSERT_TRUE(a->acquire({"u2", "g2", 2, 0}, {direct(true), indirect(true)}));
  for (const auto& resource : {direct(), indirect()}) {
    auto refused = a->acquire({"u3", "g3", 3, 0}, {resource});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);
  }
  auto held = a->list();
  ASSERT_TRUE(held);
  EXPECT_EQ(held->size(), 4u);
}

TEST_F(LockdDaemonTest, PendingOwnerIsReleasedWhenItsConnectionCloses) {
  Daemon daemon(dir.file("root"), "vm1");
  auto watcher = daemon.client();
  ASSERT_TRUE(watcher) << daemon.log();
  {
    auto pending = daemon.client();
    ASSERT_TRUE(pending);
    ASSERT_TRUE(pending->acquire({"u1", "g1", 1, 0}, {direct(), indirect()}));
    EXPECT_FALSE(lockableFromOutside(disk));
  }
  EXPECT_TRUE(eventually([&] {
    auto held = watcher->list();
    return held && held->empty();
  }));
  EXPECT_TRUE(lockableFromOutside(disk));
}

TEST_F(LockdDaemonTest, OwnerIsReleasedWhenItsProcessExits) {
  Daemon daemon(dir.file("root"), "vm1");
  auto client = daemon.client();
  ASSERT_TRUE(client) << daemon.log();
  Sleeper guest;
  ASSERT_TRUE(client->acquire({"u1", "g1", 1, 0}, {direct()}));
  ASSERT_TRUE(client->setPid("u1", guest.pid()));
  EXPECT_FALSE(client->setPid("nobody", guest.pid()));
  auto held = client->list();
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].pid, guest.pid());
  guest.stop();
  EXPECT_TRUE(eventually([&] {
    auto now = client->list();
    return now && now->empty();
  }));
  EXPECT_TRUE(lockableFromOutside(disk));
}

TEST_F(LockdDaemonTest, DeadProcessGetsNothing) {
  Daemon daemon(dir.file("root"), "vm1");
  auto client = daemon.client();
  ASSERT_TRUE(client) << daemon.log();
  Sleeper guest;
  pid_t gone = guest.pid();
  guest.stop();
  EXPECT_FALSE(client->acquire({"u1", "g1", 1, gone}, {direct()}));
  auto held = client->list();
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->empty());
}

TEST_F(LockdDaemonTest, ReexecKeepsLocksPidAndSingleInstance) {
  std::string root = dir.file("root");
  Daemon daemon(root, "vm1");
  Sleeper guest;
  {
    auto client = daemon.client();
    ASSERT_TRUE(client) << daemon.log();
    ASSERT_TRUE(client->acquire({"u1", "g1", 1, guest.pid()}, {direct(), indirect()}));
    // A pending owner does not survive the re-exec (its connection does not).
    dir.write("other.img", "data");
    ASSERT_TRUE(client->acquire({"u2", "pending", 2, 0}, {{"", dir.file("other.img")}}));
  }
  ASSERT_EQ(::kill(daemon.pid(), SIGUSR1), 0);
  std::optional<LockdStatus> status;
  ASSERT_TRUE(eventually([&] {
    auto client = LockdClient::connect(daemon.socket(), 1s);
    if (!client)
      return false;
    auto now = client->status();
    if (now && now->generation == 1)
      status = *now;
    return status.has_value();
  })) << daemon.log();
  EXPECT_EQ(status->pid, daemon.pid());
  EXPECT_EQ(status->host, "vm1");

  auto client = daemon.client();
  ASSERT_TRUE(client);
  auto held = client->list();
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].domain, "g1");
  EXPECT_FALSE(lockableFromOutside(disk));
  EXPECT_FALSE(lockableFromOutside(lockspace + "/" + sha256Hex(disk)));
  EXPECT_TRUE(lockableFromOutside(dir.file("other.img")));
  auto refused = client->acquire({"u3", "g3", 3, 0}, {direct()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);

  // Still the only daemon for this root.
  pid_t second = spawn({kBinary, "--root", root}, dir.file("second.log"));
  EXPECT_EQ(waitExit(second, kWait), 1);
  EXPECT_NE(readFile(dir.file("second.log")).find("virtus-lockd is already running for root"),
            std::string::npos)
      << readFile(dir.file("second.log"));

  // The adopted owner is still watched.
  guest.stop();
  EXPECT_TRUE(eventually([&] {
    auto now = client->list();
    return now && now->empty();
  }));
  EXPECT_TRUE(lockableFromOutside(disk));
}

TEST_F(LockdDaemonTest, TwoHostsSharingALockspaceRefuseEachOther) {
  Daemon hostA(dir.file("root-a"), "host-a");
  Daemon hostB(dir.file("root-b"), "host-b");
  auto a = hostA.client();
  auto b = hostB.client();
  ASSERT_TRUE(a) << hostA.log();
  ASSERT_TRUE(b) << hostB.log();
  Sleeper guest;
  ASSERT_TRUE(a->acquire({"u1", "g1", 1, guest.pid()}, {indirect()}));
  auto refused = b->acquire({"u2", "g2", 2, 0}, {indirect()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceBusy);
  EXPECT_EQ(refused.error().message, "Lockspace resource '" + disk +
                                         "' is locked by domain 'g1' (pid " +
                                         std::to_string(guest.pid()) + ") on host 'host-a'");
  ASSERT_TRUE(a->release("u1", {}));
  EXPECT_TRUE(b->acquire({"u2", "g2", 2, 0}, {indirect()}));
}

TEST_F(LockdDaemonTest, RemovedLockFileSendsLostEvent) {
  Daemon daemon(dir.file("root"), "vm1");
  auto events = daemon.client();
  ASSERT_TRUE(events) << daemon.log();
  ASSERT_TRUE(events->subscribe());
  auto client = daemon.client();
  ASSERT_TRUE(client);
  Sleeper guest;
  ASSERT_TRUE(client->acquire({"u1", "g1", 1, guest.pid()}, {indirect()}));
  auto quiet = events->nextEvent(100ms);
  ASSERT_TRUE(quiet);
  EXPECT_FALSE(quiet->has_value());
  std::string file = lockspace + "/" + sha256Hex(disk);
  ASSERT_TRUE(std::filesystem::remove(file));
  auto event = events->nextEvent(kWait);
  ASSERT_TRUE(event) << event.error().message;
  ASSERT_TRUE(event->has_value());
  EXPECT_EQ((*event)->uuid, "u1");
  EXPECT_EQ((*event)->domain, "g1");
  EXPECT_EQ((*event)->resource, disk);
  EXPECT_EQ((*event)->reason, "lock file '" + file + "' was removed");
  auto held = client->list();
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->empty());
}

TEST_F(LockdDaemonTest, MalformedRequestsGetErrorsAndTheDaemonLives) {
  Daemon daemon(dir.file("root"), "vm1");
  auto client = daemon.client();
  ASSERT_TRUE(client) << daemon.log();
  for (const char* line : {"garbage", "{", "[]", R"({"op":"acquire","owner":7})",
                           R"({"op":"acquire","owner":{"uuid":"u"},"resources":[{"name":"rel"}]})",
                           R"({"op":"nope"})"}) {
    auto reply = client->rawRequest(line);
    ASSERT_TRUE(reply) << line;
    EXPECT_NE(reply->find(R"("ok":false)"), std::string::npos) << *reply;
    EXPECT_NE(reply->find(R"("domain":42)"), std::string::npos) << *reply;
  }
  // An over-long line closes that connection only.
  auto flooder = daemon.client();
  ASSERT_TRUE(flooder);
  auto flooded = flooder->rawRequest(std::string(2 * 1024 * 1024, 'x'));
  EXPECT_FALSE(flooded);
  auto status = client->status();
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->pid, daemon.pid());
  EXPECT_EQ(status->generation, 0);
}

TEST_F(LockdDaemonTest, ConnectOrStartStartsTheDaemonOnce) {
  std::string root = dir.file("root");
  LockdLaunch launch{kBinary, "", "", root, "started-host"};
  // Whatever happens, the detached daemon goes (its pid file names it).
  struct Killer {
    std::string pidFile;
    ~Killer() {
      pid_t pid = static_cast<pid_t>(std::atoi(readFile(pidFile).c_str()));
      if (pid > 0)
        ::kill(pid, SIGKILL);
    }
  } killer{root + "/run/virtus-lockd.pid"};
  pid_t started = -1;
  auto first = connectOrStart(launch, kWait);
  ASSERT_TRUE(first) << first.error().message;
  auto status = first->status();
  ASSERT_TRUE(status);
  started = status->pid;
  EXPECT_EQ(status->host, "started-host");
  EXPECT_TRUE(std::filesystem::exists(root + "/run/virtus-lockd.sock"));
  auto second = connectOrStart(launch, kWait);
  ASSERT_TRUE(second) << second.error().message;
  auto again = second->status();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->pid, started);
}

TEST_F(LockdDaemonTest, ConnectOrStartNamesTheBinaryWhenItCannotStart) {
  std::string missing = dir.file("no-such-virtus-lockd");
  auto begin = std::chrono::steady_clock::now();
  auto client = connectOrStart({missing, "", "", dir.file("root"), ""}, kWait);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);  // no point waiting for it
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, ErrorCode::OperationFailed);
  EXPECT_NE(client.error().message.find(missing), std::string::npos) << client.error().message;
  EXPECT_NE(client.error().message.find(dir.file("root") + "/run/virtus-lockd.sock"),
            std::string::npos)
      << client.error().message;
}

TEST_F(LockdDaemonTest, ConnectFailureSaysWhere) {
  auto client = LockdClient::connect(dir.file("nothing.sock"), 1s);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().message, "Failed to connect to virtus-lockd at '" +
                                        dir.file("nothing.sock") + "': No such file or directory");
}

}  // namespace
}  // namespace virtus::lockd
