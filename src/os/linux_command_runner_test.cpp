#include "os/linux_command_runner.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>

namespace virtus::os {
namespace {

using namespace std::chrono_literals;

Command cmd(std::string program, std::vector<std::string> args) {
  Command c;
  c.program = std::move(program);
  c.args = std::move(args);
  return c;
}

// No child of this process is left unreaped.
void expectNoChildren() {
  int status = 0;
  EXPECT_EQ(::waitpid(-1, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(LinuxCommandRunner, CapturesStdoutStderrAndExitStatus) {
  LinuxCommandRunner runner;
  auto r = runner.run(cmd("sh", {"-c", "echo out; echo err >&2; exit 3"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exitStatus, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  expectNoChildren();
}

TEST(LinuxCommandRunner, FeedsStdin) {
  LinuxCommandRunner runner;
  Command c = cmd("cat", {});
  c.input = std::string(300000, 'x') + "end";  // larger than a pipe buffer
  auto r = runner.run(c);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exitStatus, 0);
  EXPECT_EQ(r->out, *c.input);
}

TEST(LinuxCommandRunner, StdinIsEmptyWithoutInput) {
  LinuxCommandRunner runner;
  auto r = runner.run(cmd("wc", {"-c"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->out, "0\n");
}

TEST(LinuxCommandRunner, ProgramThatIgnoresItsInputDoesNotKillUs) {
  LinuxCommandRunner runner;
  Command c = cmd("true", {});
  c.input = std::string(1 << 20, 'y');
  auto r = runner.run(c);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exitStatus, 0);
}

TEST(LinuxCommandRunner, LargeOutputOnBothStreams) {
  LinuxCommandRunner runner;
  auto r = runner.run(cmd("sh", {"-c", "head -c 1000000 /dev/zero; head -c 500000 /dev/zero >&2"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->out.size(), 1000000u);
  EXPECT_EQ(r->err.size(), 500000u);
}

TEST(LinuxCommandRunner, SignalledChildReports128PlusSignal) {
  LinuxCommandRunner runner;
  auto r = runner.run(cmd("sh", {"-c", "kill -9 $$"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exitStatus, 128 + 9);
}

TEST(LinuxCommandRunner, MissingProgramIsAnError) {
  LinuxCommandRunner runner;
  auto r = runner.run(cmd("virtus-no-such-program", {}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_EQ(r.error().message,
            "cannot execute binary virtus-no-such-program: No such file or directory");
  expectNoChildren();
}

TEST(LinuxCommandRunner, DeadlineKillsAndReaps) {
  LinuxCommandRunner runner;
  Command c = cmd("sleep", {"30"});
  c.timeout = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto r = runner.run(c);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  EXPECT_EQ(r.error().message, "Child process (sleep 30) did not finish within 200 milliseconds");
  EXPECT_LT(took, 5s);
  expectNoChildren();
}

TEST(LinuxCommandRunner, RunnerDefaultDeadlineApplies) {
  LinuxCommandRunner runner(300ms, 100ms);
  auto r = runner.run(cmd("sleep", {"30"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
}

TEST(LinuxCommandRunner, ChildIgnoringSigtermGetsSigkill) {
  LinuxCommandRunner runner(10min, 200ms);
  Command c = cmd("sh", {"-c", "trap '' TERM; while :; do sleep 0.05; done"});
  c.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  auto r = runner.run(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  expectNoChildren();
}

TEST(LinuxCommandRunner, DeadlineCoversAChildThatClosedItsPipes) {
  LinuxCommandRunner runner(10min, 200ms);
  Command c = cmd("sh", {"-c", "exec >/dev/null 2>&1; sleep 30"});
  c.timeout = 300ms;
  auto r = runner.run(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  expectNoChildren();
}

}  // namespace
}  // namespace virtus::os
