// The QMP client against a real QEMU (qemu-system-x86_64 from qemu-system-x86). Skipped
// when the binary is absent, unless VIRTUS_REQUIRE_QEMU=1 (CI), where that is a failure.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qmp_client.h"
#include "hypervisor/qemu/qmp_connect.h"
#include "hypervisor/qemu/qmp_event.h"
#include "hypervisor/qemu/test_child_process.h"
#include "os/clock.h"

namespace virtus::qemu {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

std::string findQemu() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/qemu-system-x86_64";
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

std::vector<std::string> withBinary(const std::string& binary,
                                    const std::vector<std::string>& args) {
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

long msSince(steady_clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - start).count());
}

struct EventLog {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<QmpEvent> events;

  QmpClientOptions options() {
    QmpClientOptions o;
    o.onEvent = [this](const QmpEvent& e) {
      std::lock_guard lock(mutex);
      events.push_back(e);
      changed.notify_all();
    };
    return o;
  }
  std::optional<QmpEvent> waitFor(const std::string& name, milliseconds wait) {
    std::unique_lock lock(mutex);
    std::optional<QmpEvent> found;
    changed.wait_for(lock, wait, [&] {
      for (auto& e : events)
        if (e.name == name)
          found = e;
      return found.has_value();
    });
    return found;
  }
};

class RealQemuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    qemu_ = findQemu();
    if (qemu_.empty()) {
      const char* require = std::getenv("VIRTUS_REQUIRE_QEMU");
      if (require && std::string(require) == "1")
        FAIL() << "qemu-system-x86_64 is not on PATH and VIRTUS_REQUIRE_QEMU=1";
      GTEST_SKIP() << "qemu-system-x86_64 is not installed";
    }
    std::string pattern = ::testing::TempDir() + "qmp-qemu-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  std::vector<std::string> args(const std::string& socket) const {
    return {"-machine", "none", "-nodefaults", "-display",
            "none",     "-S",   "-qmp",        "unix:" + socket + ",server=on,wait=off"};
  }
  std::string log() const {
    std::ifstream in(dir_ + "/qemu.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  os::SystemClock clock_;
  std::string qemu_;
  std::string dir_;
};

TEST_F(RealQemuTest, GreetsAnswersQueriesAndQuits) {
  std::string socket = dir_ + "/qmp.sock";
  TestChildProcess child;
  EventLog events;
  auto start = steady_clock::now();
  auto deadline = start + seconds(20);
  ASSERT_TRUE(child.start(withBinary(qemu_, args(socket)), dir_ + "/qemu.log"));
  auto fd = connectQmp(socket, clock_, deadline, child.pid());
  ASSERT_TRUE(fd) << fd.error().text() << "\n" << log();
  long connectedMs = msSince(start);
  auto client = QmpClient::open(*fd, clock_, deadline, events.options());
  ASSERT_TRUE(client) << client.error().text() << "\n" << log();
  long readyMs = msSince(start);
  std::cout << "[ measure  ] exec to QMP connect: " << connectedMs
            << " ms; exec to greeting + qmp_capabilities: " << readyMs << " ms\n";
  QmpClient& qmp = **client;
  EXPECT_GE(qmp.greeting().version.major, 2);

  auto version = qmp.execute("query-version", deadline);
  ASSERT_TRUE(version) << version.error().text();
  EXPECT_EQ((*version)["qemu"]["major"], qmp.greeting().version.major);
  EXPECT_EQ((*version)["qemu"]["minor"], qmp.greeting().version.minor);
  EXPECT_EQ((*version)["qemu"]["micro"], qmp.greeting().version.micro);

  auto status = qmp.execute("query-status", deadline);
  ASSERT_TRUE(status) << status.error().text();
  std::string state = (*status)["status"].get<std::string>();
  EXPECT_TRUE(state == "prelaunch" || state == "paused") << state;
  EXPECT_EQ((*status)["running"], false);

  auto commands = qmp.execute("query-commands", deadline);
  ASSERT_TRUE(commands) << commands.error().text();
  ASSERT_TRUE(commands->is_array());
  std::vector<std::string> names;
  for (const json& c : *commands)
    names.push_back(c["name"].get<std::string>());
  for (const char* needed : {"quit", "cont", "stop", "query-status", "blockdev-add"})
    EXPECT_NE(std::find(names.begin(), names.end(), needed), names.end()) << needed;

  auto unknown = qmp.execute("no-such-command", deadline);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().text(),
            "internal error: unable to execute QEMU command 'no-such-command': The command "
            "no-such-command has not been found");

  auto badArgs = qmp.execute("query-status", json{{"bogus", 1}}, deadline);
  ASSERT_FALSE(badArgs);
  EXPECT_NE(badArgs.error().message.find("unable to execute QEMU command 'query-status': "),
            std::string::npos);
  EXPECT_FALSE(qmp.closed());

  // QEMU sends SHUTDOWN, then the reply to quit, then closes the socket and exits.
  auto quitStart = steady_clock::now();
  auto quit = qmp.execute("quit", deadline);
  ASSERT_TRUE(quit) << quit.error().text();
  EXPECT_EQ(*quit, json::object());
  auto shutdown = events.waitFor("SHUTDOWN", seconds(10));
  ASSERT_TRUE(shutdown);
  EXPECT_EQ(shutdown->data["guest"], false);
  EXPECT_EQ(shutdown->data["reason"], "host-qmp-quit");
  EXPECT_TRUE(qmp.waitClosed(steady_clock::now() + seconds(10)));
  auto after = qmp.execute("query-status", deadline);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().text(), "internal error: End of file from qemu monitor");
  auto status2 = child.reap(seconds(10));
  ASSERT_TRUE(status2);
  EXPECT_TRUE(WIFEXITED(*status2) && WEXITSTATUS(*status2) == 0) << *status2;
  std::cout << "[ measure  ] quit to monitor EOF and exit: " << msSince(quitStart) << " ms\n";
}

TEST_F(RealQemuTest, AKilledQemuFailsTheWaitingCallAtOnce) {
  std::string socket = dir_ + "/qmp.sock";
  TestChildProcess child;
  auto deadline = steady_clock::now() + seconds(20);
  ASSERT_TRUE(child.start(withBinary(qemu_, args(socket)), dir_ + "/qemu.log"));
  auto fd = connectQmp(socket, clock_, deadline, child.pid());
  ASSERT_TRUE(fd) << fd.error().text() << "\n" << log();
  auto client = QmpClient::open(*fd, clock_, deadline);
  ASSERT_TRUE(client) << client.error().text();
  // A stopped QEMU answers nothing: the call below waits until the process dies.
  ASSERT_EQ(::kill(child.pid(), SIGSTOP), 0);
  auto start = steady_clock::now();
  auto call = std::async(std::launch::async, [&] {
    return (*client)->execute("query-status", steady_clock::now() + seconds(60));
  });
  EXPECT_EQ(call.wait_for(milliseconds(100)), std::future_status::timeout);
  ASSERT_EQ(::kill(child.pid(), SIGKILL), 0);
  ASSERT_EQ(call.wait_for(seconds(10)), std::future_status::ready);
  auto result = call.get();
  long tookMs = msSince(start);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().text(), "internal error: End of file from qemu monitor");
  EXPECT_LT(tookMs, 5000);
  EXPECT_TRUE(child.reap(seconds(10)));
}

TEST_F(RealQemuTest, ConnectingFailsAtOnceWhenQemuExitsAtStartup) {
  std::string socket = dir_ + "/qmp.sock";
  TestChildProcess child;
  auto start = steady_clock::now();
  std::vector<std::string> bad = args(socket);
  bad.push_back("-no-such-option");
  ASSERT_TRUE(child.start(withBinary(qemu_, bad), dir_ + "/qemu.log"));
  auto fd = connectQmp(socket, clock_, start + seconds(30), child.pid());
  long tookMs = msSince(start);
  ASSERT_FALSE(fd) << "connected to a QEMU that should have refused its options";
  EXPECT_EQ(fd.error().text(), "internal error: process exited while connecting to monitor");
  EXPECT_LT(tookMs, 5000);
  auto status = child.reap(seconds(10));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) != 0);
  EXPECT_NE(log().find("no-such-option"), std::string::npos) << log();
}

}  // namespace
}  // namespace virtus::qemu
