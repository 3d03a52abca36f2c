#include "os/daemonize.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

namespace virtus::os {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    if (read >= 0)
      ::close(read);
  }
};

TEST(Daemonize, RelaysMessagesUntilReady) {
  Pipe pipe;
  {
    StartupReporter reporter(pipe.write);
    reporter.info("virtusd: listening on /r/run/virtus-sock (read-write)");
    reporter.info("two\nlines");
    reporter.ready();
    reporter.info("after ready: dropped");
  }
  std::ostringstream out, err;
  EXPECT_EQ(relayStartup(pipe.read, out, err), 0);
  EXPECT_EQ(out.str(), "virtusd: listening on /r/run/virtus-sock (read-write)\ntwo lines\n");
  EXPECT_EQ(err.str(), "");
}

TEST(Daemonize, RelaysTheStartupErrorAndFails) {
  Pipe pipe;
  {
    StartupReporter reporter(pipe.write);
    reporter.info("first");
    reporter.failed("virtusd: virtusd is already running for root '/r' (pid 12)");
  }
  std::ostringstream out, err;
  EXPECT_EQ(relayStartup(pipe.read, out, err), 1);
  EXPECT_EQ(out.str(), "first\n");
  EXPECT_EQ(err.str(), "virtusd: virtusd is already running for root '/r' (pid 12)\n");
}

TEST(Daemonize, ADaemonThatDiesSilentlyIsAFailure) {
  Pipe pipe;
  { StartupReporter reporter(pipe.write); }
  std::ostringstream out, err;
  EXPECT_EQ(relayStartup(pipe.read, out, err), 1);
  EXPECT_EQ(err.str(), "virtusd: the daemon exited during start-up\n");
}

}  // namespace
}  // namespace virtus::os
