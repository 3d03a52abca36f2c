#include "lockd/lock_table.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace virtus::lockd {
namespace {

class FixedClock final : public os::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return {}; }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  }
};

// Whether an independent open of `path` can take the lock (the kernel's view).
bool lockableFromOutside(const std::string& path, bool shared) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct flock lock = {};
  lock.l_type = shared ? F_RDLCK : F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_len = 1;
  bool ok = ::fcntl(fd, F_OFD_SETLK, &lock) == 0;
  ::close(fd);
  return ok;
}

class LockTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir.ok());
    dir.write("disk.img", "data");
    disk = dir.file("disk.img");
    lockspace = dir.file("ls");
  }
  LockdResourceSpec direct(bool shared = false) { return {"", disk, shared, false, "/d/disk.img"}; }
  LockdResourceSpec indirect(const std::string& name, bool shared = false) {
    return {lockspace, name, shared, true, "/d/" + name + ".img"};
  }
  LockdOwnerSpec self(const std::string& uuid, const std::string& name) {
    return {uuid, name, 1, ::getpid()};
  }

  fixtures::TempDir dir{"lockd-table"};
  FixedClock clock;
  std::string disk, lockspace;
};

TEST_F(LockTableTest, ExclusiveRefusesExclusiveNamingTheHolder) {
  LockTable table("vm1", clock);
  ASSERT_TRUE(table.acquire(self("u1", "g1"), {direct()}, 1));
  EXPECT_FALSE(lockableFromOutside(disk, true));
  auto second = table.acquire(self("u2", "g2"), {direct()}, 2);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::ResourceBusy);
  EXPECT_EQ(second.error().domain, ErrorDomain::Locking);
  EXPECT_EQ(second.error().message,
            "Lockspace resource '/d/disk.img' is locked by domain 'g1' (pid " +
                std::to_string(::getpid()) + ") on host 'vm1'");
  table.release("u1", {});
  EXPECT_TRUE(lockableFromOutside(disk, false));
  EXPECT_TRUE(table.acquire(self("u2", "g2"), {direct()}, 2));
}

TEST_F(LockTableTest, SharedAllowsSharedButNotExclusive) {
  LockTable table("vm1", clock);
  ASSERT_TRUE(table.acquire(self("u1", "g1"), {direct(true), indirect("k", true)}, 1));
  ASSERT_TRUE(table.acquire(self("u2", "g2"), {direct(true), indirect("k", true)}, 1));
  auto exclusive = table.acquire(self("u3", "g3"), {indirect("k")}, 1);
  ASSERT_FALSE(exclusive);
  EXPECT_EQ(exclusive.error().code, ErrorCode::ResourceBusy);
  EXPECT_NE(exclusive.error().message.find("'/d/k.img' is locked"), std::string::npos);
  EXPECT_EQ(table.list().size(), 4u);
  // The last shared holder's release removes the autocreated lock file; the first's cannot.
  table.release("u1", {});
  EXPECT_TRUE(std::filesystem::exists(lockspace + "/k"));
  table.release("u2", {});
  EXPECT_FALSE(std::filesystem::exists(lockspace + "/k"));
}

TEST_F(LockTableTest, AcquireIsAllOrNothing) {
  LockTable table("vm1", clock);
  ASSERT_TRUE(table.acquire(self("u1", "g1"), {indirect("taken")}, 1));
  auto failed = table.acquire(self("u2", "g2"), {direct(), indirect("taken")}, 1);
  ASSERT_FALSE(failed);
  EXPECT_TRUE(lockableFromOutside(disk, false));  // the first resource was let go
  auto missing =
      table.acquire(self("u2", "g2"), {direct(), {"", dir.file("nope"), false, false, ""}}, 1);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::SystemError);
  EXPECT_EQ(missing.error().message,
            "Unable to open/create resource '" + dir.file("nope") + "': No such file or directory");
  EXPECT_TRUE(lockableFromOutside(disk, false));
  ASSERT_EQ(table.list().size(), 1u);
}

TEST_F(LockTableTest, IndirectLockFileNamesItsHolder) {
  LockTable first("host-a", clock);
  LockTable second("host-b", clock);
  ASSERT_TRUE(first.acquire(self("u1", "g1"), {indirect("abc")}, 1));
  auto refused = second.acquire(self("u2", "g2"), {indirect("abc")}, 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "Lockspace resource '/d/abc.img' is locked by domain 'g1' (pid " +
                std::to_string(::getpid()) + ") on host 'host-a'");
}

TEST_F(LockTableTest, PendingOwnerGoesWithItsConnection) {
  LockTable table("vm1", clock);
  ASSERT_TRUE(table.acquire({"u1", "g1", 1, 0}, {direct()}, 7));
  ASSERT_TRUE(table.acquire({"u2", "g2", 2, 0}, {indirect("x")}, 8));
  ASSERT_TRUE(table.setPid("u2", ::getpid()));
  table.connectionClosed(8);  // u2 has its pid now: stays
  table.connectionClosed(9);  // not u1's connection
  EXPECT_EQ(table.list().size(), 2u);
  table.connectionClosed(7);
  auto left = table.list();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].uuid, "u2");
  EXPECT_EQ(left[0].pid, ::getpid());
  EXPECT_TRUE(lockableFromOutside(disk, false));
  EXPECT_FALSE(table.setPid("nobody", ::getpid()));
}

TEST_F(LockTableTest, SameResourceTwiceIsANoOpAndReleaseIsIdempotent) {
  LockTable table("vm1", clock);
  ASSERT_TRUE(table.acquire(self("u1", "g1"), {direct(), direct()}, 1));
  ASSERT_TRUE(table.acquire(self("u1", "g1"), {direct(), indirect("y")}, 1));
  EXPECT_EQ(table.list().size(), 2u);
  table.release("u1", {direct()});
  table.release("u1", {direct()});
  table.release("nobody", {});
  ASSERT_EQ(table.list().size(), 1u);
  EXPECT_EQ(table.list()[0].name, "y");
  EXPECT_EQ(table.list()[0].since, 1700000000);
}

TEST_F(LockTableTest, DeadProcessHoldsNothing) {
  LockTable table("vm1", clock);
  pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  auto refused = table.acquire({"u1", "g1", 1, child}, {direct()}, 1);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(table.list().empty());
  EXPECT_TRUE(lockableFromOutside(disk, false));
}

TEST_F(LockTableTest, RemovedOrReplacedLockFileIsLost) {
  LockTable table("vm1", clock);
  ASSERT_TRUE(table.acquire(self("u1", "g1"), {indirect("a"), indirect("b"), direct()}, 1));
  EXPECT_TRUE(table.checkLost().empty());
  ASSERT_TRUE(std::filesystem::remove(lockspace + "/a"));
  std::filesystem::rename(dir.file("disk.img"), lockspace + "/b");
  auto events = table.checkLost();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].resource, "/d/a.img");
  EXPECT_EQ(events[0].reason, "lock file '" + lockspace + "/a' was removed");
  EXPECT_EQ(events[1].reason, "lock file '" + lockspace + "/b' was replaced");
  EXPECT_EQ(events[0].domain, "g1");
  EXPECT_EQ(table.list().size(), 1u);
}

TEST_F(LockTableTest, SnapshotAndAdoptKeepTheLocks) {
  std::vector<OwnerRecord> records;
  {
    LockTable table("vm1", clock);
    ASSERT_TRUE(table.acquire(self("u1", "g1"), {direct(), indirect("z")}, 1));
    ASSERT_TRUE(table.acquire({"u2", "pending", 2, 0}, {indirect("p")}, 1));
    records = table.snapshot();
    ASSERT_EQ(records.size(), 1u);  // pending owners are not handed over
    ASSERT_EQ(records[0].locks.size(), 2u);
    // Keep the fds beyond the table, as exec does.
    for (auto& lock : records[0].locks)
      lock.fd = ::dup(lock.fd);
  }
  LockTable adopted("vm1", clock);
  adopted.adopt(records);
  EXPECT_EQ(adopted.list().size(), 2u);
  EXPECT_FALSE(lockableFromOutside(disk, true));
  EXPECT_EQ(adopted.pidFds().size(), 1u);
}

}  // namespace
}  // namespace virtus::lockd
