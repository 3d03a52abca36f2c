// The disk backend's unit test fixture: scripted parted runs (replaying output captured on
// loop devices) and a /dev laid out in a temporary directory, regular files standing in for
// the nodes.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "driver/storage_flags.h"
#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/disk/disk_backend.h"
#include "storage/backends/disk/disk_test_support.h"
#include "support/temp_dir.h"

namespace virtus::storage::disk::testing {

using std::chrono::milliseconds;
using virtus::testing::FakeCommandRunner;

constexpr const char* kDisk = "/dev/loop2";
constexpr milliseconds kTimeout{4321};
constexpr std::uint64_t kDiskFileSize = 4u << 20;

inline std::string timeoutsOf(const FakeCommandRunner& runner) {
  std::string out;
  for (const auto& c : runner.commands())
    out += std::to_string(c.timeout.count()) + " ";
  return out;
}

inline Error timedOut() {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::None,
                   "command 'parted' missed its deadline of 4321 ms");
}

class DiskBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    std::filesystem::create_directories(tmp_.file("dev"));
    node("loop2", std::string(kDiskFileSize, '\xff'));
    pool_.def.type = model::PoolType::Disk;
    pool_.def.name = "disk";
    pool_.def.source.devices.push_back(model::PoolSourceDevice{kDisk});
    pool_.def.source.format = "dos";
    pool_.def.target.path = "/dev";
  }

  void node(const std::string& name, const std::string& content = "") {
    tmp_.write("dev/" + name, content);
    ::chmod(tmp_.file("dev/" + name).c_str(), 0660);
  }
  std::string read(const std::string& name) { return fixtures::readFile(tmp_.file("dev/" + name)); }

  DiskBackend backend(DeviceContent content = {}) {
    BackendContext ctx{runner_, fs_, clock_, nullptr, kTimeout};
    return DiskBackend(ctx, HostRoots{tmp_.file("sys"), tmp_.file("dev"), tmp_.file("proc")},
                       std::make_unique<FakeProbe>(content, &probed_));
  }

  void expectPrint(const std::string& file) {
    runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free")
        .replies(0, testdata(file));
  }
  void expectPrintText(const std::string& text) {
    runner_.expect("parted", "-s", "-m", kDisk, "unit", "B", "print", "free").replies(0, text);
  }
  void expectGeometry() {
    runner_.expect("parted", "-s", "-m", kDisk, "unit", "chs", "print")
        .replies(0, testdata("chs-dos.txt"));
  }

  model::VolDef newVol(const std::string& name, std::uint64_t capacity,
                       const std::string& format = "") {
    model::VolDef vol;
    vol.name = name;
    vol.capacity = capacity;
    vol.hasCapacity = true;
    vol.target.format = format;
    return vol;
  }

  fixtures::TempDir tmp_{"virtus-disk"};
  FakeCommandRunner runner_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  std::vector<std::string> probed_;
  PoolRuntime pool_;
};

}  // namespace virtus::storage::disk::testing
