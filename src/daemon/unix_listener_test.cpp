#include "daemon/unix_listener.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "support/temp_dir.h"

namespace virtus::daemon {
namespace {

unsigned modeOf(const std::string& path) {
  struct stat st = {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

bool isSocket(const std::string& path) {
  struct stat st = {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// A socket file whose listener is gone: bound, then closed without unlinking.
void makeStaleSocket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
}

UnixSocketSpec spec(const std::string& path, unsigned mode) {
  UnixSocketSpec s;
  s.path = path;
  s.mode = mode;
  return s;
}

TEST(UnixListener, CreatesSocketsWithTheirModes) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  auto rw = UnixListener::listen(spec(dir.file("run/virtus-sock"), 0600));
  ASSERT_TRUE(rw) << rw.error().text();
  auto roSpec = spec(dir.file("run/virtus-sock-ro"), 0666);
  roSpec.readOnly = true;
  auto ro = UnixListener::listen(roSpec);
  ASSERT_TRUE(ro) << ro.error().text();
  EXPECT_TRUE(isSocket(dir.file("run/virtus-sock")));
  EXPECT_EQ(modeOf(dir.file("run/virtus-sock")), 0600u);
  EXPECT_EQ(modeOf(dir.file("run/virtus-sock-ro")), 0666u);
  EXPECT_FALSE(rw->readOnly());
  EXPECT_TRUE(ro->readOnly());
  EXPECT_GE(rw->fd(), 0);
  EXPECT_TRUE(isUnixSocketLive(dir.file("run/virtus-sock")));
}

TEST(UnixListener, SetsTheConfiguredGroup) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  auto s = spec(dir.file("sock"), 0660);
  s.group = ::getegid();  // the one group every user may give its files
  auto listener = UnixListener::listen(s);
  ASSERT_TRUE(listener) << listener.error().text();
  struct stat st = {};
  ASSERT_EQ(::lstat(dir.file("sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_gid, ::getegid());
  EXPECT_EQ(st.st_mode & 07777, 0660u);
}

TEST(UnixListener, ClosingRemovesTheSocketFile) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  {
    auto listener = UnixListener::listen(spec(dir.file("sock"), 0600));
    ASSERT_TRUE(listener);
    EXPECT_TRUE(isSocket(dir.file("sock")));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("sock")));
}

TEST(UnixListener, ReplacesAStaleSocket) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  makeStaleSocket(dir.file("sock"));
  ASSERT_TRUE(isSocket(dir.file("sock")));
  EXPECT_FALSE(isUnixSocketLive(dir.file("sock")));
  auto listener = UnixListener::listen(spec(dir.file("sock"), 0600));
  ASSERT_TRUE(listener) << listener.error().text();
  EXPECT_TRUE(isUnixSocketLive(dir.file("sock")));
}

TEST(UnixListener, RefusesAPathWhereADaemonListens) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  auto first = UnixListener::listen(spec(dir.file("sock"), 0600));
  ASSERT_TRUE(first);
  auto second = UnixListener::listen(spec(dir.file("sock"), 0600));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(second.error().message, "a daemon is already listening on '" + dir.file("sock") + "'");
  // The live daemon's socket is untouched.
  EXPECT_TRUE(isUnixSocketLive(dir.file("sock")));
}

TEST(UnixListener, RefusesAPathThatIsNotASocket) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  dir.write("sock", "data");
  auto listener = UnixListener::listen(spec(dir.file("sock"), 0600));
  ASSERT_FALSE(listener);
  EXPECT_EQ(listener.error().message, "'" + dir.file("sock") + "' exists and is not a socket");
  EXPECT_TRUE(std::filesystem::is_regular_file(dir.file("sock")));
}

TEST(UnixListener, DoesNotRemoveASuccessorsSocket) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  auto first = UnixListener::listen(spec(dir.file("sock"), 0600));
  ASSERT_TRUE(first);
  // Someone replaced the file (a new daemon after this one's file was removed).
  ASSERT_EQ(::unlink(dir.file("sock").c_str()), 0);
  auto second = UnixListener::listen(spec(dir.file("sock"), 0600));
  ASSERT_TRUE(second);
  { UnixListener gone = std::move(first).value(); }
  EXPECT_TRUE(isUnixSocketLive(dir.file("sock")));
}

TEST(UnixListener, RefusesPathsTooLongForSunPath) {
  auto listener = UnixListener::listen(spec("/tmp/" + std::string(200, 'x'), 0600));
  ASSERT_FALSE(listener);
  EXPECT_EQ(listener.error().code, ErrorCode::InvalidArg);
}

TEST(UnixListener, MissingPathIsNotLive) {
  fixtures::TempDir dir("virtus-listener");
  ASSERT_TRUE(dir.ok());
  EXPECT_FALSE(isUnixSocketLive(dir.file("nothing")));
}

TEST(LookupGroup, FindsGroupsByNameOrNumber) {
  auto root = lookupGroup("root");
  ASSERT_TRUE(root);
  EXPECT_EQ(*root, 0u);
  auto numeric = lookupGroup("+123");
  ASSERT_TRUE(numeric);
  EXPECT_EQ(*numeric, 123u);
  auto plain = lookupGroup("45");
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, 45u);
  auto missing = lookupGroup("no-such-group-virtus");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "group 'no-such-group-virtus' does not exist");
}

}  // namespace
}  // namespace virtus::daemon
