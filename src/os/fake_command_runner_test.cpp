// Tests of the scripted CommandRunner that every other test relies on.
#include "fakes/fake_command_runner.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace virtus::testing {
namespace {

os::Command cmd(std::string program, std::vector<std::string> args) {
  os::Command c;
  c.program = std::move(program);
  c.args = std::move(args);
  return c;
}

TEST(FakeCommandRunner, RepliesInOrderAndRecords) {
  FakeCommandRunner fake;
  fake.expect("mount", "-t", "ext4", "/dev/sda1", "/mnt").replies(0, "ok\n");
  fake.expect("umount", "/mnt").replies(32, "", "busy\n");
  auto a = fake.run(cmd("mount", {"-t", "ext4", "/dev/sda1", "/mnt"}));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->exitStatus, 0);
  EXPECT_EQ(a->out, "ok\n");
  auto b = fake.run(cmd("umount", {"/mnt"}));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->exitStatus, 32);
  EXPECT_EQ(b->err, "busy\n");
  ASSERT_EQ(fake.commands().size(), 2u);
  EXPECT_EQ(fake.commands()[1].program, "umount");
}

TEST(FakeCommandRunner, UnexpectedCommandFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      {
        FakeCommandRunner fake;
        auto r = fake.run(cmd("rm", {"-rf", "/"}));
        EXPECT_FALSE(r);
      },
      "unexpected command: rm -rf /");
}

TEST(FakeCommandRunner, WrongArgumentsFailTheTest) {
  FakeCommandRunner fake;
  fake.expect("mount", "/a");
  EXPECT_NONFATAL_FAILURE((void)fake.run(cmd("mount", {"/b"})), "unexpected command: mount /b");
  // The expected command is still owed.
  EXPECT_NONFATAL_FAILURE(fake.verify(), "expected command never ran: mount /a");
}

TEST(FakeCommandRunner, MissingCommandFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      {
        FakeCommandRunner fake;
        fake.expect("vgchange", "-aly", "vg");
      },
      "expected command never ran: vgchange -aly vg");
}

TEST(FakeCommandRunner, ScriptedRunFailure) {
  FakeCommandRunner fake;
  fake.expect("slow").fails(makeError(ErrorCode::OperationTimeout, ErrorDomain::None, "late"));
  auto r = fake.run(cmd("slow", {}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
}

TEST(FakeCommandRunner, CheckedInput) {
  EXPECT_NONFATAL_FAILURE(
      {
        FakeCommandRunner fake;
        fake.expect("cat").withInput("abc").replies(0);
        auto c = cmd("cat", {});
        c.input = "abd";
        (void)fake.run(c);
      },
      "got stdin 'abd'");
}

}  // namespace
}  // namespace virtus::testing
