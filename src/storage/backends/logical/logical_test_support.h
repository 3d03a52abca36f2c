// Shared by the logical backend's tests: the LVM output in testdata/, a scripted DeviceProbe,
// and a pool over two "devices" that are sparse files in a temporary directory.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/logical/logical_backend.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

namespace virtus::storage::logical::testing {

inline std::string testdata(const std::string& name) {
  return fixtures::readFile(std::string(VIRTUS_SOURCE_DIR) +
                            "/src/storage/backends/logical/testdata/" + name);
}

inline Error timeoutError() {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::None,
                   "command did not finish within 30000 ms");
}

// What each device holds, as blkid would say; devices not listed are empty.
class FakeProbe final : public DeviceProbe {
 public:
  explicit FakeProbe(std::map<std::string, DeviceContent>& contents) : contents_(contents) {}
  Result<DeviceContent> probe(const std::string& device) override {
    probed.push_back(device);
    auto it = contents_.find(device);
    return it == contents_.end() ? DeviceContent{} : it->second;
  }
  std::vector<std::string> probed;

 private:
  std::map<std::string, DeviceContent>& contents_;
};

inline std::vector<std::string> argvOf(const os::Command& cmd) {
  std::vector<std::string> v{cmd.program};
  v.insert(v.end(), cmd.args.begin(), cmd.args.end());
  return v;
}

// A backend with a scripted runner and probe over real files: the pool "vg0" has two
// 4 MiB device files (filled with 0xff so that zeroing shows) and target TMP/dev/vg0.
class LogicalFixture : public ::testing::Test {
 protected:
  LogicalFixture() {
    dev1_ = tmp_.file("sdb");
    dev2_ = tmp_.file("sdc");
    for (const auto& d : {dev1_, dev2_})
      tmp_.write(d.substr(tmp_.path().size() + 1), std::string(kDeviceSize, '\xff'));
    def_.type = model::PoolType::Logical;
    def_.name = "pool";
    def_.source.name = "vg0";
    def_.source.format = "lvm2";
    def_.source.devices = {{dev1_}, {dev2_}};
    def_.target.path = tmp_.file("dev/vg0");
    pool_.def = def_;
  }

  std::unique_ptr<LogicalBackend> backend() {
    BackendContext ctx{runner_, fs_, clock_};
    ctx.networkTimeout = std::chrono::milliseconds(1234);
    return std::make_unique<LogicalBackend>(ctx, std::make_unique<FakeProbe>(contents_));
  }

  std::string deviceText(const std::string& dev) { return fixtures::readFile(dev); }

  // Every command run so far had the quick deadline (all but pvcreate and scrub).
  void expectQuickDeadlines() {
    for (const auto& cmd : runner_.commands()) {
      if (cmd.program == "pvcreate" || cmd.program == "scrub")
        EXPECT_EQ(cmd.timeout.count(), 0) << cmd.toString();
      else
        EXPECT_EQ(cmd.timeout.count(), 1234) << cmd.toString();
    }
  }

  static constexpr std::size_t kDeviceSize = 4 << 20;
  fixtures::TempDir tmp_{"virtus-logical"};
  virtus::testing::FakeCommandRunner runner_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  std::map<std::string, DeviceContent> contents_;
  std::string dev1_, dev2_;
  model::PoolDef def_;
  PoolRuntime pool_;
};

}  // namespace virtus::storage::logical::testing
