#include "hypervisor/qemu/qmp_connect.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>

#include "os/clock.h"

namespace virtus::qemu {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "qmp-connect-XXXXXX";
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A unix socket bound to `path`; listening when `listen` is true.
int boundSocket(const std::string& path, bool listen) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      (listen && ::listen(fd, 4) != 0)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

class QmpConnectTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }
  std::string socketPath() const { return dir_.path() + "/qmp.sock"; }

  os::SystemClock clock_;
  TempDir dir_;
};

TEST_F(QmpConnectTest, ConnectsToAListeningSocket) {
  int server = boundSocket(socketPath(), true);
  ASSERT_GE(server, 0);
  auto fd = connectQmp(socketPath(), clock_, steady_clock::now() + seconds(10));
  ASSERT_TRUE(fd) << fd.error().text();
  int accepted = ::accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
  EXPECT_GE(accepted, 0);
  EXPECT_EQ(::send(*fd, "x", 1, MSG_NOSIGNAL), 1);
  ::close(accepted);
  ::close(*fd);
  ::close(server);
}

// The socket's creation is delayed so that the client has to wait for it; the outcome
// does not depend on the delay (connecting before or after must both succeed).
TEST_F(QmpConnectTest, WaitsForTheSocketToAppear) {
  auto creator = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(milliseconds(50));
    return boundSocket(socketPath(), true);
  });
  auto start = steady_clock::now();
  auto fd = connectQmp(socketPath(), clock_, start + seconds(10));
  auto took = steady_clock::now() - start;
  int server = creator.get();
  ASSERT_GE(server, 0);
  ASSERT_TRUE(fd) << fd.error().text();
  EXPECT_LT(took, seconds(5));
  ::close(*fd);
  ::close(server);
}

TEST_F(QmpConnectTest, RetriesWhileTheSocketIsBoundButNotListening) {
  int server = boundSocket(socketPath(), false);
  ASSERT_GE(server, 0);
  auto listener = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(milliseconds(50));
    return ::listen(server, 4);
  });
  auto fd = connectQmp(socketPath(), clock_, steady_clock::now() + seconds(10));
  EXPECT_EQ(listener.get(), 0);
  ASSERT_TRUE(fd) << fd.error().text();
  ::close(*fd);
  ::close(server);
}

TEST_F(QmpConnectTest, GivesUpAtTheDeadlineLikeLibvirt) {
  auto start = steady_clock::now();
  auto fd = connectQmp(socketPath(), clock_, start + milliseconds(100));
  auto took = steady_clock::now() - start;
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ErrorCode::SystemError);
  EXPECT_EQ(fd.error().domain, ErrorDomain::Qemu);
  EXPECT_EQ(fd.error().message, "monitor socket did not show up: No such file or directory");
  EXPECT_GE(took, milliseconds(90));
  EXPECT_LT(took, seconds(5));
}

TEST_F(QmpConnectTest, AStaleSocketIsRetriedUntilTheDeadline) {
  int server = boundSocket(socketPath(), false);
  ASSERT_GE(server, 0);
  auto fd = connectQmp(socketPath(), clock_, steady_clock::now() + milliseconds(100));
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().message, "monitor socket did not show up: Connection refused");
  ::close(server);
}

TEST_F(QmpConnectTest, FailsAtOnceWhenTheProcessExitsWhileWaiting) {
  int pipeFds[2];
  ASSERT_EQ(::pipe2(pipeFds, O_CLOEXEC), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char c;
    ::close(pipeFds[1]);
    (void)!::read(pipeFds[0], &c, 1);  // until the parent closes its end
    ::_exit(0);
  }
  ::close(pipeFds[0]);
  auto start = steady_clock::now();
  auto waiting = std::async(std::launch::async, [&] {
    return connectQmp(socketPath(), clock_, start + seconds(60), child);
  });
  ::close(pipeFds[1]);  // the child exits
  ASSERT_EQ(waiting.wait_for(seconds(10)), std::future_status::ready);
  auto fd = waiting.get();
  EXPECT_LT(steady_clock::now() - start, seconds(10));
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ErrorCode::InternalError);
  EXPECT_EQ(fd.error().text(), "internal error: process exited while connecting to monitor");
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, 0), child);
}

TEST_F(QmpConnectTest, FailsAtOnceForAProcessAlreadyGone) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0)
    ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  auto fd = connectQmp(socketPath(), clock_, steady_clock::now() + seconds(60), child);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().message, "process exited while connecting to monitor");
}

TEST_F(QmpConnectTest, AMissingDirectoryFailsAtOnce) {
  std::string path = dir_.path() + "/no-such-dir/qmp.sock";
  auto fd = connectQmp(path, clock_, steady_clock::now() + seconds(60));
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ErrorCode::SystemError);
  EXPECT_NE(fd.error().message.find("'" + dir_.path() + "/no-such-dir'"), std::string::npos)
      << fd.error().message;
}

TEST_F(QmpConnectTest, AnOverlongPathIsInvalid) {
  auto fd = connectQmp(dir_.path() + "/" + std::string(200, 'x'), clock_,
                       steady_clock::now() + seconds(1));
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ErrorCode::InvalidArg);
}

}  // namespace
}  // namespace virtus::qemu
