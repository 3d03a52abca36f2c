// Shared by the zfs backend's tests: the recorded zfs/zpool output (testdata/) and pool
// definitions.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/fake_command_runner.h"
#include "model/storage/pool_def.h"
#include "os/clock.h"
#include "os/command.h"
#include "os/linux_file_system.h"
#include "storage/backends/zfs/zfs_backend.h"
#include "support/fixtures.h"

namespace virtus::storage::zfs::testing {

inline std::string testdata(const std::string& name) {
  return fixtures::readFile(std::string(VIRTUS_SOURCE_DIR) + "/src/storage/backends/zfs/testdata/" +
                            name);
}

// A pool on the whole zpool "tank", its volumes under /dev/zvol/tank (the default target).
inline model::PoolDef tankPool(std::string source = "tank") {
  model::PoolDef def;
  def.type = model::PoolType::Zfs;
  def.name = "zfs";
  def.source.name = source;
  def.target.path = "/dev/zvol/" + source;
  return def;
}

using Argv = std::vector<std::string>;

inline Argv argv(const os::Command& cmd) {
  Argv v{cmd.program};
  v.insert(v.end(), cmd.args.begin(), cmd.args.end());
  return v;
}

inline Error timeoutError() {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::None,
                   "command timed out after 30000 ms");
}

// The backend with a strict scripted runner, on the pool "tank".
class ZfsBackendTest : public ::testing::Test {
 protected:
  ZfsBackendTest() { pool_.def = tankPool(); }

  // Every command run so far carried the pool's deadline.
  void expectDeadlines() {
    for (const auto& cmd : commands_.commands())
      EXPECT_EQ(cmd.timeout, std::chrono::milliseconds(4321)) << cmd.toString();
  }

  virtus::testing::FakeCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  BackendContext ctx_{commands_, fs_, clock_, nullptr, std::chrono::milliseconds(4321)};
  ZfsBackend backend_{ctx_};
  PoolRuntime pool_;
};

}  // namespace virtus::storage::zfs::testing
