// The sheepdog backend on golden `dog` command lines and recorded output. Sheepdog cannot run
// here: the outputs are the raw (-r) formats of dog 0.9 as libvirt's parser tests recorded
// them (node info: "NODE SIZE USED USE%" lines and a "Total" line; vdi list: "KIND NAME ID
// SIZE USED SHARED CTIME VDI-ID [TAG]" lines).
#include "storage/backends/sheepdog/sheepdog_backend.h"

#include <gtest/gtest.h>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/sheepdog/sheepdog_commands.h"

namespace virtus::storage::sheepdog {
namespace {

constexpr const char* kNodeInfo =
    "0 15245667872 117571104 0%\n"
    "Total 15245667872 117571104 0% 20972341\n";

constexpr const char* kVdiList =
    "s test 1 10 0 0 1336556634 7c2b25\n"
    "s test 2 10 0 0 1336557203 7c2b26\n"
    "= test 3 10 0 0 1336557216 7c2b27\n"
    "= my\\ disk 4 1073741824 4194304 0 1336557300 7c2b28\n"
    "c clone 5 1073741824 0 4194304 1336557400 7c2b29\n";

model::PoolDef poolDef(bool withHost = true) {
  model::PoolDef def;
  def.type = model::PoolType::Sheepdog;
  def.name = "sd";
  def.source.name = "sheep";
  if (withHost)
    def.source.hosts.push_back({"sd.example.com", 7001});
  return def;
}

std::vector<std::string> argv(const os::Command& cmd) {
  std::vector<std::string> v{cmd.program};
  v.insert(v.end(), cmd.args.begin(), cmd.args.end());
  return v;
}

using Argv = std::vector<std::string>;

TEST(SheepdogCommands, GoldenCommandLines) {
  auto def = poolDef();
  EXPECT_EQ(argv(buildNodeInfo(def)),
            (Argv{"dog", "node", "info", "-r", "-a", "sd.example.com", "-p", "7001"}));
  EXPECT_EQ(argv(buildVdiList(def)),
            (Argv{"dog", "vdi", "list", "-r", "-a", "sd.example.com", "-p", "7001"}));
  EXPECT_EQ(argv(buildVdiList(def, "v1")),
            (Argv{"dog", "vdi", "list", "v1", "-r", "-a", "sd.example.com", "-p", "7001"}));
  EXPECT_EQ(
      argv(buildVdiCreate(def, "v1", 1073741824)),
      (Argv{"dog", "vdi", "create", "v1", "1073741824", "-a", "sd.example.com", "-p", "7001"}));
  EXPECT_EQ(argv(buildVdiDelete(def, "v1")),
            (Argv{"dog", "vdi", "delete", "v1", "-a", "sd.example.com", "-p", "7001"}));
  EXPECT_EQ(
      argv(buildVdiResize(def, "v1", 2147483648)),
      (Argv{"dog", "vdi", "resize", "v1", "2147483648", "-a", "sd.example.com", "-p", "7001"}));
}

TEST(SheepdogCommands, DefaultHostAndPort) {
  EXPECT_EQ(argv(buildNodeInfo(poolDef(false))),
            (Argv{"dog", "node", "info", "-r", "-a", "localhost", "-p", "7000"}));
  auto def = poolDef(false);
  def.source.hosts.push_back({"h", std::nullopt});
  EXPECT_EQ(argv(buildNodeInfo(def)), (Argv{"dog", "node", "info", "-r", "-a", "h", "-p", "7000"}));
}

TEST(SheepdogCommands, ParsesNodeInfo) {
  auto totals = parseNodeInfo(kNodeInfo);
  ASSERT_TRUE(totals) << totals.error().message;
  EXPECT_EQ(totals->capacity, 15245667872u);
  EXPECT_EQ(totals->used, 117571104u);

  for (const char* bad : {"", "0 15245667872 117571104 0%\n", "Total x 1 0%\n", "Total 5 9 0%\n",
                          "Total 15245667872\n"}) {
    auto r = parseNodeInfo(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InternalError) << bad;
  }
}

TEST(SheepdogCommands, ParsesCurrentVdisOnly) {
  auto vdis = parseVdiList(kVdiList);
  ASSERT_TRUE(vdis) << vdis.error().message;
  ASSERT_EQ(vdis->size(), 2u);
  EXPECT_EQ((*vdis)[0].name, "test");
  EXPECT_EQ((*vdis)[0].id, 3u);
  EXPECT_EQ((*vdis)[0].size, 10u);
  EXPECT_EQ((*vdis)[0].used, 0u);
  EXPECT_EQ((*vdis)[1].name, "my disk");
  EXPECT_EQ((*vdis)[1].size, 1073741824u);
  EXPECT_EQ((*vdis)[1].used, 4194304u);

  auto empty = parseVdiList("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());

  for (const char* bad : {"= test\n", "= test x 10 0 0 1 2\n", "garbage line here and more\n",
                          "= test 3 ten 0 0 1 2\n"}) {
    auto r = parseVdiList(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InternalError) << bad;
    EXPECT_NE(r.error().message.find("cannot parse 'dog vdi list' line"), std::string::npos);
  }
}

class SheepdogBackendTest : public ::testing::Test {
 protected:
  SheepdogBackendTest() { pool_.def = poolDef(); }

  testing::FakeCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  BackendContext ctx_{commands_, fs_, clock_};
  SheepdogBackend backend_{ctx_};
  PoolRuntime pool_;
};

TEST_F(SheepdogBackendTest, RefreshListsVolumesAndCapacity) {
  commands_.expect("dog", "node", "info", "-r", "-a", "sd.example.com", "-p", "7001")
      .replies(0, kNodeInfo);
  commands_.expect("dog", "vdi", "list", "-r", "-a", "sd.example.com", "-p", "7001")
      .replies(0, kVdiList);
  auto r = backend_.refreshPool(pool_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(pool_.def.capacity, 15245667872u);
  EXPECT_EQ(pool_.def.allocation, 117571104u);
  EXPECT_EQ(pool_.def.available, 15245667872u - 117571104u);
  ASSERT_EQ(pool_.volumes.size(), 2u);
  const auto& v = pool_.volumes[1];
  EXPECT_EQ(v.name, "my disk");
  EXPECT_EQ(v.key, "sheep/my disk");
  EXPECT_EQ(v.target.path, "my disk");
  EXPECT_EQ(v.type, model::VolType::Network);
  EXPECT_EQ(v.capacity, 1073741824u);
  EXPECT_EQ(v.allocation, 4194304u);
}

TEST_F(SheepdogBackendTest, RefreshFailsOnExitStatusAndGarbage) {
  commands_.expect("dog", "node", "info", "-r", "-a", "sd.example.com", "-p", "7001")
      .replies(1, "", "Failed to connect to sd.example.com:7001: Connection refused\n");
  auto r = backend_.refreshPool(pool_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message,
            "Child process (dog node info -r -a sd.example.com -p 7001) unexpected exit status 1: "
            "Failed to connect to sd.example.com:7001: Connection refused");

  commands_.expect("dog", "node", "info", "-r", "-a", "sd.example.com", "-p", "7001")
      .replies(0, kNodeInfo);
  commands_.expect("dog", "vdi", "list", "-r", "-a", "sd.example.com", "-p", "7001")
      .replies(0, "<html>proxy error</html>\n");
  auto garbage = backend_.refreshPool(pool_);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::InternalError);
}

TEST_F(SheepdogBackendTest, CreatesVolumes) {
  model::VolDef vol;
  vol.name = "v1";
  vol.capacity = 1073741824;
  ASSERT_TRUE(backend_.createVol(pool_, vol));
  EXPECT_EQ(vol.key, "sheep/v1");
  EXPECT_EQ(vol.target.path, "v1");
  EXPECT_EQ(vol.type, model::VolType::Network);
  commands_.expect("dog", "vdi", "create", "v1", "1073741824", "-a", "sd.example.com", "-p", "7001")
      .replies(0);
  auto built = backend_.buildVol(pool_, vol, 0);
  ASSERT_TRUE(built) << built.error().message;

  model::VolDef empty;
  empty.name = "v0";
  ASSERT_TRUE(backend_.createVol(pool_, empty));
  auto noCapacity = backend_.buildVol(pool_, empty, 0);
  ASSERT_FALSE(noCapacity);
  EXPECT_EQ(noCapacity.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(noCapacity.error().message, "volume capacity required for this pool");

  model::VolDef encrypted;
  encrypted.name = "v2";
  encrypted.target.encryption = model::StorageEncryption{};
  auto enc = backend_.createVol(pool_, encrypted);
  ASSERT_FALSE(enc);
  EXPECT_EQ(enc.error().code, ErrorCode::ConfigUnsupported);

  model::VolDef qcow;
  qcow.name = "v3";
  qcow.target.format = "qcow2";
  auto q = backend_.createVol(pool_, qcow);
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, ErrorCode::NoSupport);

  commands_.expect("dog", "vdi", "create", "v1", "1073741824", "-a", "sd.example.com", "-p", "7001")
      .replies(1, "", "VDI exists already\n");
  auto dup = backend_.buildVol(pool_, vol, 0);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("VDI exists already"), std::string::npos);
}

TEST_F(SheepdogBackendTest, DeletesAndResizes) {
  model::VolDef vol;
  vol.name = "v1";
  vol.capacity = 10;
  commands_.expect("dog", "vdi", "resize", "v1", "2147483648", "-a", "sd.example.com", "-p", "7001")
      .replies(0);
  ASSERT_TRUE(backend_.resizeVol(pool_, vol, 2147483648, 0));
  EXPECT_EQ(vol.capacity, 2147483648u);
  commands_.expect("dog", "vdi", "delete", "v1", "-a", "sd.example.com", "-p", "7001").replies(0);
  ASSERT_TRUE(backend_.deleteVol(pool_, vol, 0));

  auto flags = backend_.deleteVol(pool_, vol, 1);
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().code, ErrorCode::InvalidArg);
  commands_.expect("dog", "vdi", "delete", "v1", "-a", "sd.example.com", "-p", "7001")
      .replies(1, "", "Failed to open VDI v1 (snapshot id: 0 snapshot tag: ): No VDI found\n");
  auto gone = backend_.deleteVol(pool_, vol, 0);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::InternalError);
}

TEST_F(SheepdogBackendTest, LooksUpAndRefreshesOneVolume) {
  commands_.expect("dog", "vdi", "list", "test", "-r", "-a", "sd.example.com", "-p", "7001")
      .replies(0,
               "s test 1 10 0 0 1336556634 7c2b25\n"
               "= test 3 20 5 0 1336557216 7c2b27\n");
  auto found = backend_.lookupVol(pool_, "test");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->capacity, 20u);
  EXPECT_EQ((*found)->allocation, 5u);

  commands_.expect("dog", "vdi", "list", "nosuch", "-r", "-a", "sd.example.com", "-p", "7001")
      .replies(0, "");
  model::VolDef missing;
  missing.name = "nosuch";
  auto r = backend_.refreshVol(pool_, missing);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoStorageVol);
}

}  // namespace
}  // namespace virtus::storage::sheepdog
