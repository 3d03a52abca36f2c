// The gluster backend against the real one-node GlusterFS of tests/services/gluster.sh.
// Every gfapi connection costs ~10 s when it closes (glfs_fini), so the tests of this file
// share one backend and one pool per process; the extra pools (subdirectory, stop) are the
// exceptions that measure exactly that.
#include "storage/backends/gluster/gluster_backend.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "os/clock.h"
#include "os/linux_command_runner.h"
#include "os/linux_file_system.h"
#include "support/services.h"
#include "support/temp_dir.h"

namespace virtus::storage::gluster {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kMiB = 1 << 20;

std::string runShell(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr)
    return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  int rc = ::pclose(p);
  if (status != nullptr)
    *status = rc;
  return out;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The host, the pool on the service's volume and the backend, shared by the tests of a process.
struct Shared {
  os::LinuxCommandRunner commands{std::chrono::seconds(60)};
  os::LinuxFileSystem fs;
  os::SystemClock clock;
  BackendContext ctx{commands, fs, clock};
  GlusterBackend backend{ctx, GlusterBackend::Options{}};
};

model::PoolDef poolDef(const testing::ServiceEnv& env, const std::string& name,
                       const std::string& dir = "") {
  model::PoolDef def;
  def.type = model::PoolType::Gluster;
  def.name = name;
  def.uuid = Uuid::generate();
  def.source.hosts.push_back({env.get("GLUSTER_HOST"), std::stoi(env.get("GLUSTER_PORT"))});
  def.source.name = env.get("GLUSTER_VOLUME");
  def.source.dir = dir;
  return def;
}

class GlusterReal : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { shared_.reset(); }

  void SetUp() override {
    VIRTUS_NEED_SERVICE(gl, "gluster");
    env_ = gl;
    if (!shared_) {
      shared_ = std::make_unique<Shared>();
      pool_ = PoolRuntime{};
      pool_.def = poolDef(env_, "gl-test");
      auto started = shared_->backend.startPool(pool_);
      ASSERT_TRUE(started) << started.error().message;
    }
    prefix_ = "t" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-";
  }
  void TearDown() override {
    if (!shared_)
      return;
    // Remove whatever this test left in the volume.
    PoolRuntime scan = pool_;
    if (!backend().refreshPool(scan))
      return;
    for (auto& vol : scan.volumes) {
      if (vol.name.rfind(prefix_, 0) == 0)
        (void)backend().deleteVol(pool_, vol, 0);
    }
  }

  GlusterBackend& backend() { return shared_->backend; }
  GlusterConnection& conn() {
    auto c = backend().connection(pool_.def);
    EXPECT_TRUE(c);
    conn_ = *c;
    return *conn_;
  }
  std::string brick(const std::string& pathInVolume) const {
    return env_.get("GLUSTER_BRICK_DIR") + pathInVolume;
  }
  std::string uri(const std::string& name) const {
    return "gluster://" + env_.get("GLUSTER_HOST") + ":" + env_.get("GLUSTER_PORT") + "/" +
           env_.get("GLUSTER_VOLUME") + "/" + name;
  }

  model::VolDef newVol(const std::string& name, std::uint64_t capacity,
                       const std::string& format = "raw") {
    model::VolDef vol;
    vol.name = prefix_ + name;
    vol.capacity = capacity;
    vol.hasCapacity = true;
    vol.target.format = format;
    auto created = backend().createVol(pool_, vol);
    EXPECT_TRUE(created) << created.error().message;
    auto built = backend().buildVol(pool_, vol, 0);
    EXPECT_TRUE(built) << built.error().message;
    return vol;
  }

  // Writes `bytes` at `offset` of a file of the volume, through gfapi.
  void writeThroughGfapi(const std::string& name, std::uint64_t offset, const std::string& bytes,
                         bool create) {
    auto file = conn().open(pool_.def.source.dir + "/" + name,
                            create ? (O_CREAT | O_EXCL | O_RDWR) : O_RDWR, 0644);
    ASSERT_TRUE(file) << file.error().message;
    auto w = (*file)->writeAt(offset, std::span<const char>(bytes.data(), bytes.size()));
    ASSERT_TRUE(w) << w.error().message;
  }

  const model::VolDef* find(const PoolRuntime& pool, const std::string& name) {
    for (const auto& v : pool.volumes) {
      if (v.name == name)
        return &v;
    }
    return nullptr;
  }

  static inline std::unique_ptr<Shared> shared_;
  static inline PoolRuntime pool_;
  testing::ServiceEnv env_;
  std::string prefix_;
  std::shared_ptr<GlusterConnection> conn_;
};

TEST_F(GlusterReal, RefreshListsRawAndQcow2WithItsBackingFile) {
  // A raw base made through the backend, an overlay made by qemu-img (locally, then copied
  // into the volume through gfapi) that names the base relatively.
  model::VolDef base = newVol("base.raw", 2 * kMiB);
  fixtures::TempDir tmp("virtus-gluster");
  int status = -1;
  // -u: the base is not next to the local file, only in the volume.
  std::string out = runShell("qemu-img create -q -u -f qcow2 -F raw -b " + base.name + " " +
                                 tmp.file("o.qcow2") + " 10M 2>&1",
                             &status);
  ASSERT_EQ(status, 0) << out;
  writeThroughGfapi(prefix_ + "overlay.qcow2", 0, readFile(tmp.file("o.qcow2")), true);

  PoolRuntime pool = pool_;
  auto r = backend().refreshPool(pool);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_GT(pool.def.capacity, 0u);
  EXPECT_GT(pool.def.available, 0u);
  EXPECT_EQ(pool.def.allocation, pool.def.capacity - pool.def.available);

  const model::VolDef* raw = find(pool, base.name);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(raw->type, model::VolType::Network);
  EXPECT_EQ(raw->target.format, "raw");
  EXPECT_EQ(raw->capacity, 2 * kMiB);
  EXPECT_EQ(raw->target.path, uri(base.name));
  EXPECT_EQ(raw->key, raw->target.path);
  EXPECT_FALSE(raw->backingStore);

  const model::VolDef* overlay = find(pool, prefix_ + "overlay.qcow2");
  ASSERT_NE(overlay, nullptr);
  EXPECT_EQ(overlay->type, model::VolType::Network);
  EXPECT_EQ(overlay->target.format, "qcow2");
  EXPECT_EQ(overlay->capacity, 10 * kMiB);
  EXPECT_EQ(overlay->target.compat, "1.1");
  ASSERT_TRUE(overlay->backingStore);
  EXPECT_EQ(overlay->backingStore->path, uri(base.name));
  EXPECT_EQ(overlay->backingStore->format, "raw");

  // One volume read by name, without a refresh.
  auto found = backend().lookupVol(pool_, prefix_ + "overlay.qcow2");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->target.format, "qcow2");
  auto missing = backend().lookupVol(pool_, prefix_ + "nosuch");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(GlusterReal, CreatesRawAndQcow2Volumes) {
  model::VolDef raw = newVol("new.raw", 4 * kMiB);
  EXPECT_EQ(raw.type, model::VolType::Network);
  EXPECT_EQ(raw.target.path, uri(raw.name));
  struct stat st {};
  ASSERT_EQ(::stat(brick("/" + raw.name).c_str(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(4 * kMiB));
  EXPECT_LT(st.st_blocks * 512, 64 * 1024);  // sparse

  model::VolDef q;
  q.name = prefix_ + "new.qcow2";
  q.capacity = 64 * kMiB;
  q.target.format = "qcow2";
  q.target.compat = "1.1";
  q.backingStore = model::VolBackingStore{raw.target.path, "", {}};
  ASSERT_TRUE(backend().createVol(pool_, q));
  auto built = backend().buildVol(pool_, q, 0);
  ASSERT_TRUE(built) << built.error().message;

  // qemu-img reads the plain file of the brick.
  int status = -1;
  auto info = nlohmann::json::parse(
      runShell("qemu-img info -U --output=json " + brick("/" + q.name), &status));
  ASSERT_EQ(status, 0);
  EXPECT_EQ(info["format"], "qcow2");
  EXPECT_EQ(info["virtual-size"], 64 * kMiB);
  EXPECT_EQ(info["backing-filename"], raw.target.path);
  EXPECT_EQ(info["backing-filename-format"], "raw");
  EXPECT_EQ(info["format-specific"]["data"]["compat"], "1.1");

  // And the backend's own probe, through gfapi.
  model::VolDef probed = q;
  auto refreshed = backend().refreshVol(pool_, probed);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(probed.target.format, "qcow2");
  EXPECT_EQ(probed.capacity, 64 * kMiB);
  ASSERT_TRUE(probed.backingStore);
  EXPECT_EQ(probed.backingStore->format, "raw");

  // Existing names and unsupported formats are refused before anything is written.
  model::VolDef again;
  again.name = raw.name;
  auto dup = backend().createVol(pool_, again);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::OperationInvalid);
  model::VolDef vmdk;
  vmdk.name = prefix_ + "x.vmdk";
  vmdk.target.format = "vmdk";
  auto unsupported = backend().createVol(pool_, vmdk);
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, ErrorCode::NoSupport);
}

TEST_F(GlusterReal, ResizesRawVolumes) {
  model::VolDef vol = newVol("grow.raw", 1 * kMiB);
  auto grown = backend().resizeVol(pool_, vol, 3 * kMiB, 0);
  ASSERT_TRUE(grown) << grown.error().message;
  EXPECT_EQ(vol.capacity, 3 * kMiB);
  struct stat st {};
  ASSERT_EQ(::stat(brick("/" + vol.name).c_str(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(3 * kMiB));

  auto refused = backend().resizeVol(pool_, vol, 2 * kMiB, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidArg);
  auto shrunk = backend().resizeVol(pool_, vol, 2 * kMiB, driver::resize_vol::kShrink);
  ASSERT_TRUE(shrunk) << shrunk.error().message;
  EXPECT_EQ(vol.capacity, 2 * kMiB);

  model::VolDef q = newVol("img.qcow2", 8 * kMiB, "qcow2");
  auto qcow = backend().resizeVol(pool_, q, 16 * kMiB, 0);
  ASSERT_FALSE(qcow);
  EXPECT_EQ(qcow.error().code, ErrorCode::NoSupport);
}

TEST_F(GlusterReal, ClonesSparselyWithEqualContent) {
  model::VolDef src = newVol("src.raw", 8 * kMiB);
  writeThroughGfapi(src.name, 0, std::string(4096, 'a'), false);
  writeThroughGfapi(src.name, 6 * kMiB, "hello from the middle", false);

  model::VolDef dst;
  dst.name = prefix_ + "dst.raw";
  dst.capacity = 8 * kMiB;
  dst.target.format = "raw";
  ASSERT_TRUE(backend().createVol(pool_, dst));
  std::uint64_t lastProgress = 0;
  auto built = backend().buildVolFrom(
      pool_, dst, src, 0, [&](std::uint64_t done, std::uint64_t) { lastProgress = done; });
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(lastProgress, 8 * kMiB);

  const std::string srcFile = brick("/" + src.name);
  const std::string dstFile = brick("/" + dst.name);
  EXPECT_EQ(readFile(srcFile), readFile(dstFile));
  struct stat sst {
  }, dst_st{};
  ASSERT_EQ(::stat(srcFile.c_str(), &sst), 0);
  ASSERT_EQ(::stat(dstFile.c_str(), &dst_st), 0);
  EXPECT_EQ(dst_st.st_size, static_cast<off_t>(8 * kMiB));
  // Two small data regions: the holes stayed holes.
  EXPECT_LE(dst_st.st_blocks * 512, 256 * 1024);

  // A qcow2 source cannot become raw here.
  model::VolDef q = newVol("src.qcow2", 8 * kMiB, "qcow2");
  model::VolDef conv;
  conv.name = prefix_ + "conv.raw";
  conv.target.format = "raw";
  ASSERT_TRUE(backend().createVol(pool_, conv));
  auto converted = backend().buildVolFrom(pool_, conv, q, 0, {});
  ASSERT_FALSE(converted);
  EXPECT_EQ(converted.error().code, ErrorCode::NoSupport);
}

TEST_F(GlusterReal, DeletesFilesAndDirectories) {
  model::VolDef file = newVol("gone.raw", kMiB);
  model::VolDef dir;
  dir.name = prefix_ + "gone.dir";
  dir.target.format = "dir";
  ASSERT_TRUE(backend().createVol(pool_, dir));
  EXPECT_EQ(dir.type, model::VolType::Netdir);
  ASSERT_TRUE(backend().buildVol(pool_, dir, 0));

  PoolRuntime pool = pool_;
  ASSERT_TRUE(backend().refreshPool(pool));
  const model::VolDef* listed = find(pool, dir.name);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->type, model::VolType::Netdir);
  EXPECT_EQ(listed->target.format, "dir");

  ASSERT_TRUE(backend().deleteVol(pool_, file, 0));
  ASSERT_TRUE(backend().deleteVol(pool_, dir, 0));
  struct stat st {};
  EXPECT_NE(::lstat(brick("/" + file.name).c_str(), &st), 0);
  EXPECT_NE(::lstat(brick("/" + dir.name).c_str(), &st), 0);
  // Already gone is what the caller wanted.
  EXPECT_TRUE(backend().deleteVol(pool_, file, 0));
}

TEST_F(GlusterReal, SubdirectoryPool) {
  model::VolDef dir;
  dir.name = prefix_ + "sub";
  dir.target.format = "dir";
  ASSERT_TRUE(backend().createVol(pool_, dir));
  ASSERT_TRUE(backend().buildVol(pool_, dir, 0));

  PoolRuntime sub;
  sub.def = poolDef(env_, "gl-sub", "/" + dir.name);
  auto started = backend().startPool(sub);
  ASSERT_TRUE(started) << started.error().message;
  model::VolDef vol;
  vol.name = "inner.raw";
  vol.capacity = kMiB;
  ASSERT_TRUE(backend().createVol(sub, vol));
  EXPECT_EQ(vol.target.path, uri(dir.name + "/inner.raw"));
  ASSERT_TRUE(backend().buildVol(sub, vol, 0));
  struct stat st {};
  EXPECT_EQ(::stat(brick("/" + dir.name + "/inner.raw").c_str(), &st), 0);

  PoolRuntime listed = sub;
  ASSERT_TRUE(backend().refreshPool(listed));
  ASSERT_EQ(listed.volumes.size(), 1u);
  EXPECT_EQ(listed.volumes[0].key, uri(dir.name + "/inner.raw"));

  ASSERT_TRUE(backend().deleteVol(sub, vol, 0));
  ASSERT_TRUE(backend().stopPool(sub));
  ASSERT_TRUE(backend().deleteVol(pool_, dir, 0));

  // A directory that is not there fails the start, naming it.
  PoolRuntime missing;
  missing.def = poolDef(env_, "gl-missing", "/" + prefix_ + "nosuch");
  auto failed = backend().startPool(missing);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find(prefix_ + "nosuch"), std::string::npos)
      << failed.error().message;
}

TEST_F(GlusterReal, StopReturnsAtOnce) {
  PoolRuntime other;
  other.def = poolDef(env_, "gl-stop");
  ASSERT_TRUE(backend().startPool(other));
  const std::size_t open = backend().openConnections();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(backend().stopPool(other));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 2s) << "stopPool waited for glfs_fini";
  EXPECT_EQ(backend().openConnections(), open - 1);
  // The close goes on in the background (until the backend is destroyed at the latest).
  EXPECT_GE(backend().closingConnections(), 1u);
}

TEST_F(GlusterReal, ThreadsShareThePoolsConnection) {
  model::VolDef vol = newVol("shared.raw", kMiB);
  const std::size_t open = backend().openConnections();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        PoolRuntime pool = pool_;
        auto refreshed = backend().refreshPool(pool);
        auto found = backend().lookupVol(pool_, vol.name);
        if (!refreshed || !found || !*found)
          ++failures;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(backend().openConnections(), open);
}

TEST(GlusterRealSources, FindsTheServiceVolume) {
  VIRTUS_NEED_SERVICE(gl, "gluster");
  if (gl.get("GLUSTER_PORT") != "24007")
    GTEST_SKIP() << "the gluster CLI reaches glusterd on port 24007 only";
  os::LinuxCommandRunner commands(std::chrono::seconds(60));
  os::LinuxFileSystem fs;
  os::SystemClock clock;
  BackendContext ctx{commands, fs, clock};
  GlusterBackend backend(ctx, GlusterBackend::Options{});
  auto xml =
      backend.findPoolSources("<source><host name='" + gl.get("GLUSTER_HOST") + "'/></source>", 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_NE(
      xml->find("    <host name='" + gl.get("GLUSTER_HOST") +
                "'/>\n    <dir path='/'/>\n    <name>" + gl.get("GLUSTER_VOLUME") + "</name>\n"),
      std::string::npos)
      << *xml;
}

// No service needed: a server that never answers, and one that refuses, fail within bounds.
TEST(GlusterUnreachable, InitIsBounded) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);  // never accepts: connections wait in the backlog
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  testing::ServiceEnv env;
  env.values = {{"GLUSTER_HOST", "127.0.0.1"},
                {"GLUSTER_PORT", std::to_string(port)},
                {"GLUSTER_VOLUME", "vol0"}};
  os::LinuxCommandRunner commands;
  os::LinuxFileSystem fs;
  os::SystemClock clock;
  BackendContext ctx{commands, fs, clock};
  GlusterBackend backend(ctx, GlusterBackend::Options{1s, 3s});
  PoolRuntime pool;
  pool.def = poolDef(env, "gl-silent");
  auto start = std::chrono::steady_clock::now();
  auto r = backend.startPool(pool);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(r.error().code == ErrorCode::OperationTimeout ||
              r.error().code == ErrorCode::SystemError)
      << errorCodeName(r.error().code);
  EXPECT_NE(r.error().message.find("'gl-silent'"), std::string::npos) << r.error().message;
  std::cerr << "silent server: " << r.error().message << "\n";
  ::close(listener);

  // Nothing listens there any more.
  PoolRuntime refused;
  refused.def = poolDef(env, "gl-refused");
  start = std::chrono::steady_clock::now();
  auto r2 = backend.refreshPool(refused);
  took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r2);
  EXPECT_LT(took, 5s);
  EXPECT_NE(r2.error().message.find("'gl-refused'"), std::string::npos) << r2.error().message;
  std::cerr << "refusing server: " << r2.error().message << "\n";
  EXPECT_EQ(backend.openConnections(), 0u);
}

}  // namespace
}  // namespace virtus::storage::gluster
