// Test pieces for the fs and netfs backends: recorded output from testdata/, a scripted
// device probe, and a fixture with a temporary pool directory, a mount table under a
// temporary proc root and a strict scripted command runner.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/fs/fs_backend.h"
#include "storage/device_probe.h"
#include "support/temp_dir.h"

namespace virtus::storage::fs::testing {

inline std::string testdata(const std::string& name) {
  std::ifstream in(std::string(VIRTUS_SOURCE_DIR) + "/src/storage/backends/fs/testdata/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Error timeoutError() {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::None,
                   "command timed out after 30000 ms");
}

// Answers every probe with `content` (or `error`), counting the calls.
class ScriptedProbe final : public DeviceProbe {
 public:
  struct Script {
    DeviceContent content;
    std::optional<Error> error;
    int calls = 0;
    std::string lastDevice;
  };
  explicit ScriptedProbe(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  Result<DeviceContent> probe(const std::string& device) override {
    ++script_->calls;
    script_->lastDevice = device;
    if (script_->error)
      return *script_->error;
    return script_->content;
  }

 private:
  std::shared_ptr<Script> script_;
};

class FsBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    ::mkdir(dir_.file("proc").c_str(), 0755);
    setMounts("");
    roots_.proc = dir_.file("proc");
    // A regular file stands in for the block device: the backend only checks it exists and
    // hands it to the (scripted) probe and mkfs.
    dir_.write("sdb1", "");
  }

  void setMounts(const std::string& text) { dir_.write("proc/mounts", text); }

  std::string target() const { return dir_.file("pool"); }
  std::string device() const { return dir_.file("sdb1"); }

  PoolRuntime fsPool(const std::string& format = "ext4") {
    PoolRuntime pool;
    pool.def.type = model::PoolType::Fs;
    pool.def.name = "fspool";
    pool.def.source.devices = {{device(), model::TriState::Absent, {}}};
    pool.def.source.format = format;
    pool.def.target.path = target();
    return pool;
  }

  PoolRuntime netfsPool(const std::string& format = "nfs") {
    PoolRuntime pool;
    pool.def.type = model::PoolType::Netfs;
    pool.def.name = "nfspool";
    pool.def.source.hosts = {{"nfs.example.com", std::nullopt}};
    pool.def.source.dir = "/export/images";
    pool.def.source.format = format;
    pool.def.target.path = target();
    return pool;
  }

  FsBackend backend(model::PoolType type) {
    return FsBackend(ctx_, type, std::make_unique<ScriptedProbe>(probe_), roots_);
  }

  fixtures::TempDir dir_{"virtus-fspool"};
  virtus::testing::FakeCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  BackendContext ctx_{commands_, fs_, clock_, nullptr, std::chrono::milliseconds(12000)};
  HostRoots roots_;
  std::shared_ptr<ScriptedProbe::Script> probe_ = std::make_shared<ScriptedProbe::Script>();
};

}  // namespace virtus::storage::fs::testing
