// Test support for the pool manager: a scripted in-memory StorageBackend (with gates that
// hold an operation until the test releases it) and a temporary root directory.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "os/root_paths.h"
#include "storage/backend_registry.h"
#include "storage/pool_manager.h"
#include "support/temp_dir.h"

namespace virtus::storage::testing {

// Holds a thread inside a backend call until released.
class Gate {
 public:
  void arm() {
    std::lock_guard lock(m_);
    armed_ = true;
    entered_ = false;
    released_ = false;
  }
  // Called by the backend.
  void pass() {
    std::unique_lock lock(m_);
    if (!armed_)
      return;
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
    armed_ = false;
  }
  void waitEntered() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return entered_; });
  }
  void release() {
    std::lock_guard lock(m_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool armed_ = false, entered_ = false, released_ = false;
};

// The storage of every pool of this backend: pool target path -> volumes.
struct FakeStorage {
  std::mutex m;
  std::set<std::string> pools;  // target paths that "exist" (checkPool, startPool)
  std::map<std::string, std::map<std::string, model::VolDef>> volumes;
  std::map<std::string, Error> failures;        // operation name -> error to return (once)
  std::vector<std::string> calls;               // "startPool p", "buildVol p/v" ...
  std::vector<const RefreshCache*> cachesSeen;  // the cache each refreshPool received
  Gate createVolGate, buildVolGate, wipeGate, refreshGate;
  std::uint64_t capacity = 1000000;

  std::optional<Error> takeFailure(const std::string& op) {
    auto it = failures.find(op);
    if (it == failures.end())
      return std::nullopt;
    Error e = it->second;
    failures.erase(it);
    return e;
  }
  bool called(const std::string& call) {
    std::lock_guard lock(m);
    return std::find(calls.begin(), calls.end(), call) != calls.end();
  }
};

class FakeBackend final : public StorageBackend {
 public:
  explicit FakeBackend(FakeStorage& storage, BackendFeatures features)
      : s_(storage), features_(features) {}

  model::PoolType type() const override { return model::PoolType::Dir; }
  BackendFeatures features() const override { return features_; }

  Result<void> refreshPool(PoolRuntime& pool) override {
    s_.refreshGate.pass();
    std::lock_guard lock(s_.m);
    TRY(step("refreshPool", pool.def.name));
    s_.cachesSeen.push_back(pool.refreshCache.get());
    if (!pool.refreshCache)
      pool.refreshCache = std::make_shared<RefreshCache>();
    std::uint64_t used = 0;
    pool.volumes.clear();
    for (auto& [name, vol] : s_.volumes[pool.def.target.path]) {
      pool.volumes.push_back(vol);
      used += vol.allocation;
    }
    pool.def.capacity = s_.capacity;
    pool.def.allocation = used;
    pool.def.available = s_.capacity - used;
    return ok();
  }
  Result<bool> checkPool(const PoolRuntime& pool) override {
    std::lock_guard lock(s_.m);
    TRY(step("checkPool", pool.def.name));
    return s_.pools.count(pool.def.target.path) > 0;
  }
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override {
    std::lock_guard lock(s_.m);
    TRY(step("buildPool", pool.def.name + " " + std::to_string(flags)));
    s_.pools.insert(pool.def.target.path);
    return ok();
  }
  Result<void> startPool(PoolRuntime& pool) override {
    std::lock_guard lock(s_.m);
    TRY(step("startPool", pool.def.name));
    if (!s_.pools.count(pool.def.target.path)) {
      return makeError(ErrorCode::OperationInvalid, ErrorDomain::Storage,
                       "cannot open directory '" + pool.def.target.path + "'");
    }
    return ok();
  }
  Result<void> stopPool(PoolRuntime& pool) override {
    std::lock_guard lock(s_.m);
    return step("stopPool", pool.def.name);
  }
  Result<void> deletePool(PoolRuntime& pool, unsigned) override {
    std::lock_guard lock(s_.m);
    TRY(step("deletePool", pool.def.name));
    s_.pools.erase(pool.def.target.path);
    return ok();
  }
  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override {
    s_.createVolGate.pass();
    std::lock_guard lock(s_.m);
    TRY(step("createVol", pool.def.name + "/" + vol.name));
    vol.target.path = pool.def.target.path + "/" + vol.name;
    vol.key = vol.target.path;
    vol.type = model::VolType::File;
    return ok();
  }
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned) override {
    s_.buildVolGate.pass();
    std::lock_guard lock(s_.m);
    TRY(step("buildVol", pool.def.name + "/" + vol.name));
    vol.allocation = vol.hasAllocation ? vol.allocation : vol.capacity;
    s_.volumes[pool.def.target.path][vol.name] = vol;
    return ok();
  }
  Result<void> buildVolFrom(PoolRuntime& pool, model::VolDef& vol, const model::VolDef& source,
                            unsigned, const driver::ProgressFn&) override {
    s_.buildVolGate.pass();
    std::lock_guard lock(s_.m);
    TRY(step("buildVolFrom", pool.def.name + "/" + vol.name + " " + source.name));
    s_.volumes[pool.def.target.path][vol.name] = vol;
    return ok();
  }
  Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol) override {
    std::lock_guard lock(s_.m);
    TRY(step("refreshVol", pool.def.name + "/" + vol.name));
    auto& vols = s_.volumes[pool.def.target.path];
    auto it = vols.find(vol.name);
    if (it == vols.end()) {
      return makeError(ErrorCode::NoStorageVol, ErrorDomain::Storage,
                       "cannot stat file '" + vol.target.path + "'");
    }
    vol.capacity = it->second.capacity;
    vol.allocation = it->second.allocation;
    return ok();
  }
  Result<std::optional<model::VolDef>> lookupVol(PoolRuntime& pool,
                                                 std::string_view name) override {
    std::lock_guard lock(s_.m);
    TRY(step("lookupVol", pool.def.name + "/" + std::string(name)));
    auto& vols = s_.volumes[pool.def.target.path];
    auto it = vols.find(std::string(name));
    if (it == vols.end())
      return std::optional<model::VolDef>();
    return std::optional<model::VolDef>(it->second);
  }
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned) override {
    std::lock_guard lock(s_.m);
    TRY(step("deleteVol", pool.def.name + "/" + vol.name));
    s_.volumes[pool.def.target.path].erase(vol.name);
    return ok();
  }
  Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                         unsigned flags) override {
    std::lock_guard lock(s_.m);
    TRY(step("resizeVol", pool.def.name + "/" + vol.name + " " + std::to_string(capacity) + " " +
                              std::to_string(flags)));
    s_.volumes[pool.def.target.path][vol.name].capacity = capacity;
    return ok();
  }
  Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol, driver::WipeAlgorithm, unsigned,
                       const driver::ProgressFn&) override {
    s_.wipeGate.pass();
    std::lock_guard lock(s_.m);
    return step("wipeVol", pool.def.name + "/" + vol.name);
  }

 private:
  Result<void> step(const std::string& op, const std::string& what) {
    s_.calls.push_back(op + " " + what);
    if (auto e = s_.takeFailure(op))
      return *e;
    return ok();
  }

  FakeStorage& s_;
  BackendFeatures features_;
};

inline BackendFeatures allFeatures() {
  BackendFeatures f;
  f.buildPool = f.startPool = f.stopPool = f.deletePool = true;
  f.createVol = f.buildVol = f.buildVolFrom = f.refreshVol = f.deleteVol = true;
  f.resizeVol = f.uploadVol = f.downloadVol = f.wipeVol = true;
  return f;
}

// A temporary directory removed at the end of the test.
using fixtures::TempDir;

// A manager with the fake backend for `dir` pools on a temporary root.
class ManagerFixture : public ::testing::Test {
 protected:
  ManagerFixture() : paths_(os::RootPaths::underRoot(root_.path())) {}

  std::unique_ptr<PoolManager> makeManager(BackendFeatures features = allFeatures(),
                                           bool load = true, bool autostart = true) {
    BackendRegistry registry;
    registry.add(model::PoolType::Dir, [this, features](const BackendContext&) {
      return std::make_unique<FakeBackend>(storage_, features);
    });
    auto manager = std::make_unique<PoolManager>(registry, context_, paths_);
    if (load)
      problems_ = manager->loadState(autostart);
    return manager;
  }

  static std::string poolXml(const std::string& name, const std::string& uuid,
                             const std::string& path = "") {
    return "<pool type='dir'><name>" + name + "</name><uuid>" + uuid + "</uuid><target><path>" +
           (path.empty() ? "/fake/" + name : path) + "</path></target></pool>";
  }
  static std::string volXml(const std::string& name, std::uint64_t capacity = 1024) {
    return "<volume><name>" + name + "</name><capacity>" + std::to_string(capacity) +
           "</capacity></volume>";
  }
  bool fileExists(const std::string& relative) {
    return std::filesystem::exists(std::filesystem::symlink_status(root_.path() + "/" + relative));
  }
  std::string readFile(const std::string& relative) {
    auto r = fs_.readFile(root_.path() + "/" + relative);
    return r ? *r : std::string();
  }

  TempDir root_;
  os::RootPaths paths_;
  os::LinuxFileSystem fs_;
  virtus::testing::FakeCommandRunner commands_;
  os::SystemClock clock_;
  BackendContext context_{commands_, fs_, clock_};
  FakeStorage storage_;
  std::vector<Error> problems_;
};

inline const char* kUuidA = "11111111-2222-3333-4444-555555555555";
inline const char* kUuidB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

}  // namespace virtus::storage::testing
