// The iscsi-direct backend against a real tgtd (tests/services/tgtd.sh), and against a portal
// that accepts TCP connections and never answers (no service needed).
#include "storage/backends/iscsi_direct/iscsi_direct_backend.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <vector>

#include "fakes/fake_command_runner.h"
#include "model/storage/pool_xml.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "os/root_paths.h"
#include "secrets/secret_manager.h"
#include "support/services.h"
#include "support/temp_dir.h"

namespace virtus::storage::iscsi_direct {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kMiB = 1024 * 1024;

struct PoolSpec {
  std::string host = "127.0.0.1";
  std::string port;
  std::string target;
  std::string initiator;
  std::string authXml;  // a whole <auth> element, or ""
};

model::PoolDef poolDef(const PoolSpec& spec) {
  std::string xml = "<pool type='iscsi-direct'><name>idirect</name><source><host name='" +
                    spec.host + "'" + (spec.port.empty() ? "" : " port='" + spec.port + "'") +
                    "/><device path='" + spec.target + "'/><initiator><iqn name='" +
                    spec.initiator + "'/></initiator>" + spec.authXml + "</source></pool>";
  auto def = model::parsePoolXml(xml);
  EXPECT_TRUE(def) << (def ? "" : def.error().message);
  return def ? *def : model::PoolDef{};
}

std::string chapAuth(const std::string& user, const std::string& usage) {
  return "<auth type='chap' username='" + user + "'><secret usage='" + usage + "'/></auth>";
}

// A backend with a real secret manager on a temporary root.
class IscsiDirectTest : public ::testing::Test {
 protected:
  IscsiDirectTest() : paths_(os::RootPaths::underRoot(tmp_.path())), secrets_(fs_, paths_) {}

  std::unique_ptr<IscsiDirectBackend> backend(std::chrono::milliseconds timeout = 10s) {
    return std::make_unique<IscsiDirectBackend>(BackendContext{runner_, fs_, clock_, &secrets_},
                                                timeout);
  }
  void defineSecret(const std::string& usage, const std::string& value) {
    auto h =
        secrets_.defineSecret("<secret ephemeral='no' private='yes'><usage type='iscsi'><target>" +
                                  usage + "</target></usage></secret>",
                              0);
    ASSERT_TRUE(h) << h.error().message;
    auto set = secrets_.setSecretValue(*h, value, 0);
    ASSERT_TRUE(set) << set.error().message;
  }

  fixtures::TempDir tmp_;
  os::RootPaths paths_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  testing::FakeCommandRunner runner_;  // strict: the backend runs no program
  secrets::SecretManager secrets_;
};

PoolSpec openTarget(const testing::ServiceEnv& tgt) {
  return {tgt.get("ISCSI_HOST"), tgt.get("ISCSI_PORT"), tgt.get("ISCSI_TARGET"),
          tgt.get("ISCSI_INITIATOR"), ""};
}

PoolSpec chapTarget(const testing::ServiceEnv& tgt, std::string authXml) {
  return {tgt.get("ISCSI_HOST"), tgt.get("ISCSI_PORT"), tgt.get("ISCSI_CHAP_TARGET"),
          tgt.get("ISCSI_INITIATOR"), std::move(authXml)};
}

const model::VolDef* findVol(const PoolRuntime& pool, const std::string& name) {
  for (const auto& vol : pool.volumes) {
    if (vol.name == name)
      return &vol;
  }
  return nullptr;
}

TEST_F(IscsiDirectTest, StartAndRefreshListTheDiskLunsWithLibvirtsNames) {
  VIRTUS_NEED_SERVICE(tgt, "tgtd");
  auto b = backend();
  PoolRuntime pool{poolDef(openTarget(tgt))};
  ASSERT_TRUE(b->startPool(pool));
  EXPECT_EQ(b->sessionCount(), 1u);
  auto r = b->refreshPool(pool);
  ASSERT_TRUE(r) << r.error().message;

  // LUN 0, tgtd's controller, is listed with capacity 0, as libvirt lists it.
  ASSERT_EQ(pool.volumes.size(), 3u);
  const model::VolDef* controllerLun = findVol(pool, "unit:0:0:0");
  ASSERT_NE(controllerLun, nullptr);
  EXPECT_EQ(controllerLun->capacity, 0u);
  const std::string portal = tgt.get("ISCSI_HOST") + ":" + tgt.get("ISCSI_PORT");
  const model::VolDef* lun1 = findVol(pool, "unit:0:0:1");
  const model::VolDef* lun2 = findVol(pool, "unit:0:0:2");
  ASSERT_NE(lun1, nullptr);
  ASSERT_NE(lun2, nullptr);
  EXPECT_EQ(lun1->capacity, 256 * kMiB);
  EXPECT_EQ(lun1->allocation, 256 * kMiB);
  EXPECT_EQ(lun2->capacity, 64 * kMiB);
  EXPECT_EQ(lun2->type, model::VolType::Network);
  EXPECT_EQ(lun2->key, "ip-" + portal + "-iscsi-" + tgt.get("ISCSI_TARGET") + "-lun-2");
  EXPECT_EQ(lun2->target.path, lun2->key);
  EXPECT_EQ(pool.def.capacity, 320 * kMiB);
  EXPECT_EQ(pool.def.allocation, 320 * kMiB);
  EXPECT_EQ(pool.def.available, 0u);

  // The same session serves the next calls.
  ASSERT_TRUE(b->refreshPool(pool));
  EXPECT_EQ(pool.volumes.size(), 3u);
  auto found = b->lookupVol(pool, "unit:0:0:2");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->capacity, 64 * kMiB);
  auto missing = b->lookupVol(pool, "unit:0:0:9");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  auto controller = b->lookupVol(pool, "unit:0:0:0");
  ASSERT_TRUE(controller);
  ASSERT_TRUE(controller->has_value());
  EXPECT_EQ((*controller)->capacity, 0u);
  EXPECT_EQ(b->sessionCount(), 1u);

  ASSERT_TRUE(b->stopPool(pool));
  EXPECT_EQ(b->sessionCount(), 0u);
}

TEST_F(IscsiDirectTest, WipeZeroWritesZerosOverTheWholeLun) {
  VIRTUS_NEED_SERVICE(tgt, "tgtd");
  const std::string file = tgt.get("ISCSI_LUN2_FILE");
  const std::uint64_t size = 64 * kMiB;
  const std::vector<std::uint64_t> offsets{0, 4096, size / 2 + 17, size - 512, size - 1};
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f) << file;
    for (auto off : offsets) {
      f.seekp(static_cast<std::streamoff>(off));
      f.put('\x5a');
    }
  }
  auto b = backend();
  PoolRuntime pool{poolDef(openTarget(tgt))};
  ASSERT_TRUE(b->refreshPool(pool));
  const model::VolDef* lun2 = findVol(pool, "unit:0:0:2");
  ASSERT_NE(lun2, nullptr);
  model::VolDef vol = *lun2;

  auto trim = b->wipeVol(pool, vol, driver::WipeAlgorithm::Trim, 0, {});
  ASSERT_FALSE(trim);
  EXPECT_EQ(trim.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(trim.error().message, "unsupported algorithm 9");

  std::uint64_t lastDone = 0, lastTotal = 0;
  auto wiped = b->wipeVol(pool, vol, driver::WipeAlgorithm::Zero, 0,
                          [&](std::uint64_t done, std::uint64_t total) {
                            lastDone = done;
                            lastTotal = total;
                          });
  ASSERT_TRUE(wiped) << wiped.error().message;
  EXPECT_EQ(lastDone, size);
  EXPECT_EQ(lastTotal, size);

  std::ifstream in(file, std::ios::binary);
  std::vector<char> data(size);
  ASSERT_TRUE(in.read(data.data(), static_cast<std::streamsize>(size)));
  for (auto off : offsets)
    EXPECT_EQ(data[off], 0) << "byte " << off << " of " << file;
  EXPECT_TRUE(std::all_of(data.begin(), data.end(), [](char c) { return c == 0; }));
  ASSERT_TRUE(b->stopPool(pool));
}

TEST_F(IscsiDirectTest, ChapWithTheRightSecretLogsIn) {
  VIRTUS_NEED_SERVICE(tgt, "tgtd");
  defineSecret("virtus-chap", tgt.get("ISCSI_CHAP_PASSWORD"));
  auto b = backend();
  PoolRuntime pool{poolDef(chapTarget(tgt, chapAuth(tgt.get("ISCSI_CHAP_USER"), "virtus-chap")))};
  auto started = b->startPool(pool);
  ASSERT_TRUE(started) << started.error().message;
  auto r = b->refreshPool(pool);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(pool.volumes.size(), 2u);  // the controller LUN 0 and LUN 1
  const model::VolDef* lun1 = findVol(pool, "unit:0:0:1");
  ASSERT_NE(lun1, nullptr);
  EXPECT_EQ(lun1->capacity, 32 * kMiB);
  ASSERT_TRUE(b->stopPool(pool));
}

TEST_F(IscsiDirectTest, ChapWithAWrongSecretIsRefusedWithoutShowingIt) {
  VIRTUS_NEED_SERVICE(tgt, "tgtd");
  const std::string wrong = "not-" + tgt.get("ISCSI_CHAP_PASSWORD");
  defineSecret("virtus-chap-wrong", wrong);
  auto b = backend();
  PoolRuntime pool{
      poolDef(chapTarget(tgt, chapAuth(tgt.get("ISCSI_CHAP_USER"), "virtus-chap-wrong")))};
  auto r = b->startPool(pool);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::AuthFailed) << r.error().message;
  EXPECT_NE(r.error().message.find("'" + tgt.get("ISCSI_CHAP_TARGET") + "'"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("'" + tgt.get("ISCSI_CHAP_USER") + "'"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find(wrong), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(tgt.get("ISCSI_CHAP_PASSWORD")), std::string::npos);
  // A failed start keeps no session; a refresh fails the same way.
  EXPECT_EQ(b->sessionCount(), 0u);
  auto refreshed = b->refreshPool(pool);
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().code, ErrorCode::AuthFailed);
}

TEST_F(IscsiDirectTest, ChapTargetWithoutCredentialsIsRefusedClearly) {
  VIRTUS_NEED_SERVICE(tgt, "tgtd");
  auto b = backend();
  PoolRuntime noAuth{poolDef(chapTarget(tgt, ""))};
  auto r = b->startPool(noAuth);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::AuthFailed) << r.error().message;
  EXPECT_NE(r.error().message.find("no <auth>"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(tgt.get("ISCSI_CHAP_TARGET")), std::string::npos);

  // <auth> naming a secret that does not exist: refused before any login.
  PoolRuntime noSecret{poolDef(chapTarget(tgt, chapAuth(tgt.get("ISCSI_CHAP_USER"), "nothere")))};
  auto missing = b->startPool(noSecret);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NoSecret) << missing.error().message;
  EXPECT_NE(missing.error().message.find("nothere"), std::string::npos) << missing.error().message;
}

TEST_F(IscsiDirectTest, FindPoolSourcesListsBothTargets) {
  VIRTUS_NEED_SERVICE(tgt, "tgtd");
  auto b = backend();
  const std::string host = tgt.get("ISCSI_HOST"), port = tgt.get("ISCSI_PORT"),
                    initiator = tgt.get("ISCSI_INITIATOR");
  auto xml =
      b->findPoolSources("<source><host name='" + host + "' port='" + port +
                             "'/><initiator><iqn name='" + initiator + "'/></initiator></source>",
                         0);
  ASSERT_TRUE(xml) << xml.error().message;
  for (const auto& target : {tgt.get("ISCSI_TARGET"), tgt.get("ISCSI_CHAP_TARGET")}) {
    const std::string source = "  <source>\n    <host name='" + host + "' port='" + port +
                               "'/>\n    <device path='" + target +
                               "'/>\n    <initiator>\n      <iqn name='" + initiator +
                               "'/>\n    </initiator>\n  </source>\n";
    EXPECT_NE(xml->find(source), std::string::npos) << *xml;
  }
  EXPECT_TRUE(xml->starts_with("<sources>\n")) << *xml;

  auto noInitiator =
      b->findPoolSources("<source><host name='" + host + "' port='" + port + "'/></source>", 0);
  ASSERT_FALSE(noInitiator);
  EXPECT_EQ(noInitiator.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(noInitiator.error().message, "missing initiator IQN");
}

TEST_F(IscsiDirectTest, RefreshAfterTheTargetDroppedTheConnectionLogsInAgain) {
  VIRTUS_NEED_SERVICE(tgt, "tgtd");
  auto b = backend();
  // Its own initiator name, so that only this test's session is dropped.
  PoolSpec spec = openTarget(tgt);
  spec.initiator += "-dropped";
  PoolRuntime pool{poolDef(spec)};
  ASSERT_TRUE(b->startPool(pool));
  // The target drops the session of that initiator.
  const std::string tgtadm = "tgtadm -C " + tgt.get("TGTD_CTRL") + " --lld iscsi --mode conn";
  // Exits 1 when no session of that initiator is found.
  std::string cmd = "sids=$(" + tgtadm +
                    " --op show --tid 1 | awk '/Session:/{s=$2} /Initiator: " + spec.initiator +
                    "( |$)/{print s}'); [ -n \"$sids\" ] || exit 1; " + "for s in $sids; do " +
                    tgtadm + " --op delete --tid 1 --sid $s --cid 0 || exit 1; done";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto r = b->refreshPool(pool);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(pool.volumes.size(), 3u);
  ASSERT_TRUE(b->stopPool(pool));
}

// A portal that completes the TCP handshake (the kernel does, from the listen backlog) and
// then never says a word.
class SilentPortal {
 public:
  SilentPortal() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentPortal() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(IscsiDirectTest, APortalThatNeverAnswersTimesOutWithinTheDeadline) {
  SilentPortal silent;
  ASSERT_NE(silent.port(), 0);
  auto b = backend(500ms);
  PoolRuntime pool{poolDef({"127.0.0.1", std::to_string(silent.port()), "iqn.2024-01.test:silent",
                            "iqn.2024-01.test:initiator", ""})};
  auto t0 = std::chrono::steady_clock::now();
  auto r = b->startPool(pool);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout) << r.error().message;
  EXPECT_NE(r.error().message.find("login"), std::string::npos) << r.error().message;
  EXPECT_LT(elapsed, 2s);
  EXPECT_GE(elapsed, 450ms);
  EXPECT_EQ(b->sessionCount(), 0u);

  t0 = std::chrono::steady_clock::now();
  auto sources =
      b->findPoolSources("<source><host name='127.0.0.1' port='" + std::to_string(silent.port()) +
                             "'/><initiator><iqn name='iqn.2024-01.test:i'/>"
                             "</initiator></source>",
                         0);
  ASSERT_FALSE(sources);
  EXPECT_EQ(sources.error().code, ErrorCode::OperationTimeout) << sources.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(IscsiDirectTest, AConnectionRefusedIsAnErrorNotAHang) {
  int port = 0;
  {
    SilentPortal closed;  // once closed, nothing listens on its port
    port = closed.port();
  }
  ASSERT_NE(port, 0);
  auto b = backend(2s);
  PoolRuntime pool{poolDef({"127.0.0.1", std::to_string(port), "iqn.2024-01.test:gone",
                            "iqn.2024-01.test:initiator", ""})};
  auto r = b->refreshPool(pool);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError) << r.error().message;
  EXPECT_NE(r.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.error().message;
}

TEST_F(IscsiDirectTest, OnlyChapAuthenticationIsAccepted) {
  auto b = backend(1s);
  PoolRuntime pool{poolDef({"127.0.0.1", "1", "iqn.2024-01.test:t", "iqn.2024-01.test:i",
                            "<auth type='ceph' username='u'><secret usage='x'/></auth>"})};
  auto r = b->startPool(pool);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "iscsi-direct pool only supports 'chap' auth type");
}

}  // namespace
}  // namespace virtus::storage::iscsi_direct
