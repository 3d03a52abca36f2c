// Test fixture pieces for the dir backend: a real temporary pool directory, the real file
// system, a strict scripted command runner and helpers to inspect images with qemu-img.
#pragma once

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_command_runner.h"
#include "os/linux_file_system.h"
#include "storage/backends/dir/dir_backend.h"
#include "support/temp_dir.h"

namespace virtus::storage::dir::testing {

using fixtures::makeTempDir;

class DirBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = makeTempDir("virtus-dirpool");
    pool_.def.type = model::PoolType::Dir;
    pool_.def.name = "test";
    pool_.def.target.path = root_ + "/pool";
    ASSERT_EQ(::mkdir(pool_.def.target.path.c_str(), 0755), 0);
  }
  void TearDown() override {
    for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it)
      ::umount2(it->c_str(), MNT_DETACH);
    std::filesystem::remove_all(root_);
  }

  // A backend whose commands go to the strict fake.
  DirBackend& backend() { return fakeBackend_; }
  // A backend that really runs qemu-img.
  DirBackend& realBackend() { return realBackend_; }

  std::string poolPath(const std::string& name) const { return pool_.def.target.path + "/" + name; }

  model::VolDef newVol(const std::string& name, std::uint64_t capacity, std::uint64_t allocation,
                       const std::string& format = "") {
    model::VolDef vol;
    vol.name = name;
    vol.capacity = capacity;
    vol.hasCapacity = true;
    vol.allocation = allocation;
    vol.hasAllocation = true;
    vol.target.format = format;
    auto r = backend().createVol(pool_, vol);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return vol;
  }

  struct stat statOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st;
  }

  void writeFile(const std::string& path, std::uint64_t offset, const std::string& data) {
    auto file = fs_.open(
        path, fs_.exists(path) ? os::OpenMode::ReadWrite : os::OpenMode::CreateExclusive, 0644);
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_TRUE((*file)->writeAt(offset, data));
  }

  std::string readAll(const std::string& path) {
    auto content = fs_.readFile(path);
    EXPECT_TRUE(content);
    return content ? *content : std::string();
  }

  // Runs a real command, returning its stdout; fails the test on a non-zero exit.
  std::string run(std::vector<std::string> argv) {
    os::Command cmd;
    cmd.program = argv.front();
    cmd.args.assign(argv.begin() + 1, argv.end());
    auto out = realRunner_.run(cmd);
    EXPECT_TRUE(out) << (out ? "" : out.error().message);
    if (!out)
      return {};
    EXPECT_EQ(out->exitStatus, 0) << cmd.toString() << ": " << out->err;
    return out->out;
  }

  nlohmann::json qemuImgInfo(const std::string& path) {
    auto text = run({"qemu-img", "info", "--output=json", path});
    return nlohmann::json::parse(text, nullptr, false);
  }

  // Mounts a tmpfs (options e.g. "size=2M" or "ro") at a new directory under the test root.
  // Returns an empty string when mounting is not possible here.
  std::string mountTmpfs(const std::string& name, const std::string& options) {
    std::string dir = root_ + "/" + name;
    std::filesystem::create_directories(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0)
      return {};
    mounts_.push_back(dir);
    return dir;
  }
  void remountReadOnly(const std::string& dir) {
    ASSERT_EQ(::mount("tmpfs", dir.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr), 0);
  }

  std::string root_;
  std::vector<std::string> mounts_;
  PoolRuntime pool_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  virtus::testing::FakeCommandRunner fake_;
  os::LinuxCommandRunner realRunner_;
  DirBackend fakeBackend_{BackendContext{fake_, fs_, clock_}};
  DirBackend realBackend_{BackendContext{realRunner_, fs_, clock_}};
};

}  // namespace virtus::storage::dir::testing
