// The QEMU driver's files, on a real file system in a temporary directory.
#include "hypervisor/qemu/qemu_domain_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/domain/domain_xml.h"
#include "os/linux_file_system.h"

namespace virtus::qemu {
namespace {

namespace fs = std::filesystem;

struct TempRoot {
  std::string dir;
  TempRoot() {
    dir = ::testing::TempDir() + "qemu-store-XXXXXX";
    if (!::mkdtemp(dir.data()))
      dir.clear();
  }
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

model::DomainDef sampleDef(const std::string& name) {
  auto def = model::parseDomainXml("<domain type='qemu'><name>" + name +
                                   "</name><memory unit='MiB'>128</memory><os><type "
                                   "arch='x86_64' machine='pc'>hvm</type></os></domain>");
  EXPECT_TRUE(def) << def.error().text();
  return *def;
}

TEST(QemuDomainStore, ConfigIsWrittenUnderEtcQemuAndLoadedBack) {
  TempRoot root;
  ASSERT_FALSE(root.dir.empty());
  os::LinuxFileSystem lfs;
  QemuDomainStore store(lfs, os::RootPaths::underRoot(root.dir));
  auto def = sampleDef("vm1");
  ASSERT_TRUE(store.saveConfig(def));
  EXPECT_EQ(store.configPath("vm1"), root.dir + "/etc/qemu/vm1.xml");
  ASSERT_TRUE(fs::is_regular_file(root.dir + "/etc/qemu/vm1.xml"));
  // Nothing but the file: the atomic write left no temporary behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(root.dir + "/etc/qemu"), {}), 1);
  // Rewriting replaces it.
  def.title = "second";
  ASSERT_TRUE(store.saveConfig(def));
  auto loaded = store.loadAll();
  EXPECT_TRUE(loaded.problems.empty());
  ASSERT_EQ(loaded.configs.size(), 1u);
  EXPECT_EQ(loaded.configs[0].def.name, "vm1");
  EXPECT_EQ(loaded.configs[0].def.title, "second");
  EXPECT_EQ(loaded.configs[0].def.uuid, def.uuid);
  EXPECT_FALSE(loaded.configs[0].autostart);
  ASSERT_TRUE(store.deleteConfig("vm1"));
  EXPECT_FALSE(fs::exists(root.dir + "/etc/qemu/vm1.xml"));
  EXPECT_TRUE(store.deleteConfig("vm1"));  // already gone: fine
}

TEST(QemuDomainStore, AutostartIsARelativeLink) {
  TempRoot root;
  os::LinuxFileSystem lfs;
  QemuDomainStore store(lfs, os::RootPaths::underRoot(root.dir));
  ASSERT_TRUE(store.saveConfig(sampleDef("vm1")));
  ASSERT_TRUE(store.setAutostart("vm1", true));
  std::string link = root.dir + "/etc/qemu/autostart/vm1.xml";
  ASSERT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link), "../vm1.xml");
  EXPECT_TRUE(store.isAutostart("vm1"));
  auto loaded = store.loadAll();
  ASSERT_EQ(loaded.configs.size(), 1u);
  EXPECT_TRUE(loaded.configs[0].autostart);
  ASSERT_TRUE(store.setAutostart("vm1", false));
  EXPECT_FALSE(fs::exists(fs::symlink_status(link)));
}

TEST(QemuDomainStore, RuntimeStateRoundTripsAndIsRemovedWithTheSocket) {
  TempRoot root;
  os::LinuxFileSystem lfs;
  QemuDomainStore store(lfs, os::RootPaths::underRoot(root.dir));
  QemuRuntimeState state;
  state.pid = 4242;
  state.id = 7;
  state.monitorPath = store.monitorPath("vm1");
  state.def = sampleDef("vm1");
  ASSERT_TRUE(store.saveState(state));
  EXPECT_TRUE(fs::is_regular_file(root.dir + "/run/qemu/vm1.xml"));
  { std::ofstream(store.monitorPath("vm1")) << ""; }
  auto loaded = store.loadAll();
  ASSERT_EQ(loaded.states.size(), 1u);
  EXPECT_EQ(loaded.states[0].pid, 4242);
  EXPECT_EQ(loaded.states[0].id, 7);
  EXPECT_EQ(loaded.states[0].monitorPath, root.dir + "/run/qemu/vm1.monitor");
  EXPECT_EQ(loaded.states[0].def, state.def);
  store.removeState("vm1");
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/vm1.xml"));
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/vm1.monitor"));
}

TEST(QemuDomainStore, BrokenFilesAreReportedAndKept) {
  TempRoot root;
  os::LinuxFileSystem lfs;
  QemuDomainStore store(lfs, os::RootPaths::underRoot(root.dir));
  fs::create_directories(root.dir + "/etc/qemu");
  fs::create_directories(root.dir + "/run/qemu");
  { std::ofstream(root.dir + "/etc/qemu/bad.xml") << "<domain>"; }
  { std::ofstream(root.dir + "/run/qemu/bad.xml") << "<domstatus pid='1'/>"; }
  auto loaded = store.loadAll();
  EXPECT_TRUE(loaded.configs.empty());
  EXPECT_TRUE(loaded.states.empty());
  ASSERT_EQ(loaded.problems.size(), 2u);
  EXPECT_NE(loaded.problems[0].message.find("bad.xml"), std::string::npos);
  EXPECT_TRUE(fs::exists(root.dir + "/etc/qemu/bad.xml"));
}

TEST(QemuDomainStore, RuntimeStateWithoutMonitorIsRefused) {
  EXPECT_FALSE(parseRuntimeState("<domstatus pid='5'><domain/></domstatus>"));
  EXPECT_FALSE(parseRuntimeState("not xml"));
}

}  // namespace
}  // namespace virtus::qemu
