// Shared by the rbd backend's real-cluster tests: a small in-memory secret driver, stream
// fakes, and a fixture with a pool on the cluster tests/services/ceph.sh started.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/base64.h"
#include "driver/secret_driver.h"
#include "driver/stream.h"
#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/rbd/rbd_backend.h"
#include "support/services.h"

namespace virtus::storage::rbd::testing {

// Secrets by UUID with their raw values; only what poolAuthSecret uses.
class FakeSecrets final : public driver::SecretDriver {
 public:
  Uuid add(std::string usage, std::string value) {
    Uuid uuid = Uuid::generate();
    entries_[uuid] = {driver::SecretHandle{uuid, driver::SecretUsageType::Ceph, usage}, value};
    return uuid;
  }
  Result<std::vector<driver::SecretHandle>> listAllSecrets(unsigned) override { return none(); }
  Result<driver::SecretHandle> lookupSecretByUuid(const Uuid& uuid) override {
    auto it = entries_.find(uuid);
    if (it == entries_.end())
      return makeError(ErrorCode::NoSecret, ErrorDomain::Secret, "no secret " + uuid.str());
    return it->second.first;
  }
  Result<driver::SecretHandle> lookupSecretByUsage(driver::SecretUsageType type,
                                                   std::string_view usage) override {
    for (auto& [uuid, e] : entries_)
      if (e.first.usageType == type && e.first.usageId == usage)
        return e.first;
    return makeError(ErrorCode::NoSecret, ErrorDomain::Secret, "no secret " + std::string(usage));
  }
  Result<driver::SecretHandle> defineSecret(std::string_view, unsigned) override { return none(); }
  Result<std::string> secretXml(const driver::SecretHandle&, unsigned) override { return none(); }
  Result<void> setSecretValue(const driver::SecretHandle&, std::string_view, unsigned) override {
    return none();
  }
  Result<std::string> secretValue(const driver::SecretHandle& h, unsigned, bool) override {
    auto it = entries_.find(h.uuid);
    if (it == entries_.end())
      return makeError(ErrorCode::NoSecret, ErrorDomain::Secret, "no secret");
    return it->second.second;
  }
  Result<void> undefineSecret(const driver::SecretHandle&) override { return none(); }

 private:
  static Error none() { return makeError(ErrorCode::NoSupport, ErrorDomain::Secret, "fake"); }
  std::map<Uuid, std::pair<driver::SecretHandle, std::string>> entries_;
};

class StringSource final : public driver::StreamSource {
 public:
  explicit StringSource(std::string data, std::size_t chunk = 300000)
      : data_(std::move(data)), chunk_(chunk) {}
  Result<driver::StreamChunk> next(std::size_t maxBytes) override {
    driver::StreamChunk c;
    if (pos_ >= data_.size())
      return c;
    c.kind = driver::StreamChunk::Kind::Data;
    c.data = data_.substr(pos_, std::min({maxBytes, chunk_, data_.size() - pos_}));
    pos_ += c.data.size();
    return c;
  }

 private:
  std::string data_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
};

class StringSink final : public driver::StreamSink {
 public:
  Result<void> write(std::span<const char> data) override {
    out.append(data.data(), data.size());
    return ok();
  }
  Result<void> hole(std::uint64_t length) override {
    out.append(length, '\0');
    holes += length;
    return ok();
  }
  Result<void> finish() override {
    finished = true;
    return ok();
  }
  std::string out;
  std::uint64_t holes = 0;
  bool finished = false;
};

inline std::string randomBytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s)
    c = static_cast<char>(gen() & 0xff);
  return s;
}

// `rbd -c CONF ARGS` (stderr too): exit status and output.
inline std::pair<int, std::string> runRbd(const std::string& conf, const std::string& args) {
  std::string cmd = "rbd -c '" + conf + "' " + args + " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p)
    return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p))
    out.append(buf.data(), n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class RbdRealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VIRTUS_NEED_SERVICE(ceph, "ceph");
    env_ = ceph;
    conf_ = env_.get("CEPH_CONF");
    ASSERT_FALSE(conf_.empty());
    backend_ = std::make_unique<RbdBackend>(context(), std::chrono::seconds(10));
  }

  void TearDown() override {
    // Children before parents: a protected snapshot with clones cannot go first.
    if (backend_ && !created_.empty()) {
      PoolRuntime admin = adminPool();
      for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
        model::VolDef vol;
        vol.name = *it;
        (void)backend_->deleteVol(admin, vol, driver::delete_vol::kWithSnapshots);
      }
    }
    if (backend_) {
      for (auto& p : pools_)
        (void)backend_->stopPool(p);
    }
  }

  BackendContext context() { return BackendContext{commands_, fs_, clock_, &secrets_}; }

  // A pool on the service's cluster as `user` (admin or ro) with its key through a secret.
  PoolRuntime makePool(const std::string& user, const std::string& keyBase64) {
    PoolRuntime pool;
    pool.def.type = model::PoolType::Rbd;
    pool.def.name = "ceph-" + user;
    pool.def.uuid = Uuid::generate();
    pool.def.source.name = env_.get("CEPH_POOL");
    pool.def.source.hosts = {{env_.get("CEPH_MON_HOST"), std::stoi(env_.get("CEPH_MON_PORT"))}};
    auto raw = decodeBase64(keyBase64);
    EXPECT_TRUE(raw) << "the service's key is not base64";
    Uuid secret = secrets_.add("ceph-" + user + "-" + pool.def.uuid.str(), raw.value_or(""));
    model::StorageAuth auth;
    auth.type = "ceph";
    auth.username = user;
    auth.secret.uuid = secret;
    pool.def.source.auth = auth;
    pools_.push_back(pool);
    return pool;
  }
  PoolRuntime adminPool() { return makePool("admin", env_.get("CEPH_ADMIN_KEY")); }
  PoolRuntime roPool() { return makePool(env_.get("CEPH_RO_USER"), env_.get("CEPH_RO_KEY")); }

  // A name no other test (or run) uses; removed in TearDown.
  std::string uniqueName(const std::string& what) {
    static std::atomic<int> counter{0};
    std::string name = what + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                       "-" + std::to_string(std::random_device{}() % 100000);
    created_.push_back(name);
    return name;
  }

  model::VolDef newVolume(PoolRuntime& pool, const std::string& name, std::uint64_t capacity) {
    model::VolDef vol;
    vol.name = name;
    vol.capacity = capacity;
    vol.hasCapacity = true;
    vol.target.format = "raw";
    EXPECT_TRUE(backend_->createVol(pool, vol));
    auto built = backend_->buildVol(pool, vol, 0);
    EXPECT_TRUE(built) << built.error().message;
    return vol;
  }

  const model::VolDef* findVol(const PoolRuntime& pool, const std::string& name) {
    for (const auto& v : pool.volumes)
      if (v.name == name)
        return &v;
    return nullptr;
  }

  ::virtus::testing::ServiceEnv env_;
  std::string conf_;
  ::virtus::testing::FakeCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  FakeSecrets secrets_;
  std::unique_ptr<RbdBackend> backend_;
  std::vector<PoolRuntime> pools_;
  std::vector<std::string> created_;
};

}  // namespace virtus::storage::rbd::testing
