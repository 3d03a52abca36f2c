// The host's user and group names, and the host's own mount table, as the real vstorage
// backend reads them.
#include "storage/backends/vstorage/vstorage_accounts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/vstorage/vstorage_backend.h"

namespace virtus::storage::vstorage {
namespace {

TEST(VstorageHostAccounts, NamesRootAndRefusesUnknownIds) {
  auto accounts = makeHostAccounts();
  EXPECT_EQ(accounts->effectiveUid(), ::geteuid());
  EXPECT_EQ(accounts->effectiveGid(), ::getegid());
  auto root = accounts->userName(0);
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(*root, "root");
  auto rootGroup = accounts->groupName(0);
  ASSERT_TRUE(rootGroup) << rootGroup.error().message;
  EXPECT_EQ(*rootGroup, "root");

  auto user = accounts->userName(3999999);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().code, ErrorCode::SystemError);
  EXPECT_EQ(user.error().message.rfind("Failed to find user record for uid '3999999'", 0), 0u);
  auto group = accounts->groupName(3999999);
  ASSERT_FALSE(group);
  EXPECT_EQ(group.error().message.rfind("Failed to find group record for gid '3999999'", 0), 0u);
}

TEST(VstorageHostAccounts, ReadsThisHostsMountTable) {
  virtus::testing::FakeCommandRunner commands;
  os::LinuxFileSystem fs;
  os::SystemClock clock;
  BackendContext ctx{commands, fs, clock};
  auto backend = makeVstorageBackend(ctx);
  PoolRuntime pool;
  pool.def.type = model::PoolType::Vstorage;
  pool.def.source.name = "no-such-cluster";
  pool.def.target.path = "/";
  auto mounted = backend->checkPool(pool);
  ASSERT_TRUE(mounted) << mounted.error().message;
  EXPECT_FALSE(*mounted);
}

}  // namespace
}  // namespace virtus::storage::vstorage
