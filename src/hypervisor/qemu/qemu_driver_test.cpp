// The QEMU driver without QEMU: definitions, lists, autostart, refused starts and stale
// runtime state. qemu_driver_boot_test.cpp runs the real guest.
#include "hypervisor/qemu/qemu_driver.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "model/domain/domain_xml.h"
#include "os/linux_file_system.h"

namespace virtus::qemu {
namespace {

namespace fs = std::filesystem;
namespace ld = driver::list_domains;
using driver::DomainState;

struct TempRoot {
  std::string dir;
  TempRoot() {
    dir = ::testing::TempDir() + "qemu-driver-XXXXXX";
    if (!::mkdtemp(dir.data()))
      dir.clear();
  }
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::string domainXml(const std::string& name, const std::string& uuid = "",
                      const std::string& devices = "") {
  return "<domain type='qemu'><name>" + name + "</name>" +
         (uuid.empty() ? "" : "<uuid>" + uuid + "</uuid>") +
         "<memory unit='MiB'>128</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>"
         "<devices>" +
         devices + "</devices></domain>";
}

struct QemuDriverNoQemu : ::testing::Test {
  TempRoot root;
  os::LinuxFileSystem lfs;
  os::SystemClock clock;
  QemuDriverConfig config() {
    QemuDriverConfig c;
    c.paths = os::RootPaths::underRoot(root.dir);
    return c;
  }
};

std::vector<std::string> names(const std::vector<driver::DomainHandle>& handles) {
  std::vector<std::string> out;
  for (const auto& h : handles)
    out.push_back(h.name);
  return out;
}

TEST_F(QemuDriverNoQemu, DefineWritesTheFileAndAnotherDriverLoadsIt) {
  driver::DomainHandle handle;
  {
    QemuDomainDriver driver(lfs, clock, config());
    auto defined = driver.defineDomain(domainXml("vm1"), 0);
    ASSERT_TRUE(defined) << defined.error().text();
    handle = *defined;
    EXPECT_EQ(handle.id, -1);
    EXPECT_TRUE(fs::is_regular_file(root.dir + "/etc/qemu/vm1.xml"));
    auto state = driver.domainState(handle);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->state, DomainState::Shutoff);
    EXPECT_EQ(*driver.domainIsPersistent(handle), true);
    EXPECT_EQ(*driver.domainIsActive(handle), false);
  }
  QemuDomainDriver again(lfs, clock, config());
  EXPECT_TRUE(again.loadProblems().empty());
  auto found = again.lookupDomainByName("vm1");
  ASSERT_TRUE(found) << found.error().text();
  EXPECT_EQ(found->uuid, handle.uuid);
  auto byUuid = again.lookupDomainByUuid(handle.uuid);
  ASSERT_TRUE(byUuid);
  EXPECT_EQ(byUuid->name, "vm1");
  auto xml = again.domainXml(*found, driver::domain_xml::kInactive);
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("<name>vm1</name>"), std::string::npos);
}

TEST_F(QemuDriverNoQemu, DuplicatesAreRefusedLikeLibvirt) {
  QemuDomainDriver driver(lfs, clock, config());
  const std::string uuid = "c7a5fdbd-edaf-9455-926a-d65c16db1809";
  ASSERT_TRUE(driver.defineDomain(domainXml("vm1", uuid), 0));
  auto sameUuid = driver.defineDomain(domainXml("vm2", uuid), 0);
  ASSERT_FALSE(sameUuid);
  EXPECT_EQ(sameUuid.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(sameUuid.error().message, "domain 'vm1' is already defined with uuid " + uuid);
  auto sameName = driver.defineDomain(domainXml("vm1", "c7a5fdbd-edaf-9455-926a-d65c16db1810"), 0);
  ASSERT_FALSE(sameName);
  EXPECT_EQ(sameName.error().message, "domain 'vm1' already exists with uuid " + uuid);
  // The same name and uuid: a redefinition.
  ASSERT_TRUE(driver.defineDomain(
      "<domain type='qemu'><name>vm1</name><uuid>" + uuid +
          "</uuid><title>new</title><memory unit='MiB'>256</memory><os><type arch='x86_64' "
          "machine='pc'>hvm</type></os></domain>",
      0));
  auto info = driver.domainInfo(*driver.lookupDomainByName("vm1"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->maxMemKiB, 256u * 1024);
  EXPECT_FALSE(fs::exists(root.dir + "/etc/qemu/vm2.xml"));
}

TEST_F(QemuDriverNoQemu, BadDefinitionsAreRefusedAndLeaveNoFile) {
  QemuDomainDriver driver(lfs, clock, config());
  auto bad = driver.defineDomain("<domain type='qemu'><memory>1</memory></domain>", 0);
  ASSERT_FALSE(bad);
  auto flags = driver.defineDomain(domainXml("vm1"), 0x100);
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().code, ErrorCode::InvalidArg);
  EXPECT_FALSE(fs::exists(root.dir + "/etc/qemu") && !fs::is_empty(root.dir + "/etc/qemu"));
}

TEST_F(QemuDriverNoQemu, UndefineRemovesTheFileAndAutostartLink) {
  QemuDomainDriver driver(lfs, clock, config());
  auto handle = driver.defineDomain(domainXml("vm1"), 0);
  ASSERT_TRUE(handle);
  ASSERT_TRUE(driver.setDomainAutostart(*handle, true));
  EXPECT_TRUE(*driver.domainAutostart(*handle));
  EXPECT_TRUE(fs::is_symlink(root.dir + "/etc/qemu/autostart/vm1.xml"));
  ASSERT_TRUE(driver.undefineDomain(*handle, 0));
  EXPECT_FALSE(fs::exists(root.dir + "/etc/qemu/vm1.xml"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(root.dir + "/etc/qemu/autostart/vm1.xml")));
  auto gone = driver.lookupDomainByName("vm1");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NoDomain);
  EXPECT_EQ(gone.error().message, "no domain with matching name 'vm1'");
}

TEST_F(QemuDriverNoQemu, UndefineWithNvramNeedsAFlagAsInLibvirt) {
  QemuDomainDriver driver(lfs, clock, config());
  const std::string nvram = root.dir + "/vm1_VARS.fd";
  { std::ofstream(nvram) << "vars"; }
  const std::string xml =
      "<domain type='qemu'><name>vm1</name><memory unit='MiB'>128</memory><os><type "
      "arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' "
      "type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader><nvram>" +
      nvram + "</nvram></os><devices></devices></domain>";
  auto handle = driver.defineDomain(xml, 0);
  ASSERT_TRUE(handle) << handle.error().text();
  namespace ud = driver::undefine_domain;

  auto refused = driver.undefineDomain(*handle, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(refused.error().message, "cannot undefine domain with nvram");
  auto both = driver.undefineDomain(*handle, ud::kNvram | ud::kKeepNvram);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, ErrorCode::InvalidArg);
  EXPECT_TRUE(*driver.domainIsPersistent(*handle));

  ASSERT_TRUE(driver.undefineDomain(*handle, ud::kKeepNvram));
  EXPECT_TRUE(fs::exists(nvram));
  handle = driver.defineDomain(xml, 0);
  ASSERT_TRUE(handle);
  ASSERT_TRUE(driver.undefineDomain(*handle, ud::kNvram));
  EXPECT_FALSE(fs::exists(nvram));
  EXPECT_FALSE(fs::exists(root.dir + "/etc/qemu/vm1.xml"));
}

TEST_F(QemuDriverNoQemu, ListFlagsSelect) {
  QemuDomainDriver driver(lfs, clock, config());
  auto a = driver.defineDomain(domainXml("a"), 0);
  auto b = driver.defineDomain(domainXml("b"), 0);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(driver.setDomainAutostart(*b, true));
  EXPECT_EQ(names(*driver.listAllDomains(0)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names(*driver.listAllDomains(ld::kAutostart)), (std::vector<std::string>{"b"}));
  EXPECT_EQ(names(*driver.listAllDomains(ld::kNoAutostart)), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(driver.listAllDomains(ld::kActive)->empty());
  EXPECT_EQ(driver.listAllDomains(ld::kInactive | ld::kPersistent)->size(), 2u);
  EXPECT_TRUE(driver.listAllDomains(ld::kTransient)->empty());
  EXPECT_EQ(driver.listAllDomains(ld::kShutoff)->size(), 2u);
}

TEST_F(QemuDriverNoQemu, InactiveDomainsRefuseRunningOperations) {
  QemuDomainDriver driver(lfs, clock, config());
  auto h = driver.defineDomain(domainXml("vm1"), 0);
  ASSERT_TRUE(h);
  for (auto r : {driver.destroyDomain(*h, 0), driver.shutdownDomain(*h, 0),
                 driver.suspendDomain(*h), driver.resetDomain(*h)}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::OperationInvalid);
    EXPECT_EQ(r.error().message, "domain is not running");
  }
}

TEST_F(QemuDriverNoQemu, ADiskWithoutFormatIsRefusedAndNothingIsLeft) {
  QemuDomainDriver driver(lfs, clock, config());
  auto h = driver.defineDomain(
      domainXml("vm1", "",
                "<disk type='file' device='disk'><source file='/nonexistent.img'/>"
                "<target dev='vda' bus='virtio'/></disk>"),
      0);
  ASSERT_TRUE(h) << h.error().text();
  auto started = driver.startDomain(*h, 0);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::ConfigUnsupported) << started.error().text();
  EXPECT_FALSE(*driver.domainIsActive(*h));
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/vm1.xml"));
  // A transient one disappears.
  auto created = driver.createDomain(
      domainXml("vm2", "",
                "<disk type='file' device='disk'><source file='/nonexistent.img'/>"
                "<target dev='vda' bus='virtio'/></disk>"),
      0);
  ASSERT_FALSE(created);
  EXPECT_FALSE(driver.lookupDomainByName("vm2"));
}

TEST_F(QemuDriverNoQemu, AMissingEmulatorIsAClearError) {
  auto c = config();
  c.emulator = "/nonexistent/qemu-system-x86_64";
  QemuDomainDriver driver(lfs, clock, c);
  auto h = driver.defineDomain(domainXml("vm1"), 0);
  ASSERT_TRUE(h);
  auto started = driver.startDomain(*h, 0);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().text().find("/nonexistent/qemu-system-x86_64"), std::string::npos)
      << started.error().text();
  EXPECT_FALSE(*driver.domainIsActive(*h));
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/vm1.xml"));
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/vm1.monitor"));
}

TEST_F(QemuDriverNoQemu, AutostartStartsMarkedDomainsAndReportsFailures) {
  auto c = config();
  c.emulator = "/nonexistent/qemu-system-x86_64";
  QemuDomainDriver driver(lfs, clock, c);
  auto a = driver.defineDomain(domainXml("a"), 0);
  auto b = driver.defineDomain(domainXml("b"), 0);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(driver.setDomainAutostart(*b, true));
  auto errors = driver.autostartDomains();
  ASSERT_EQ(errors.size(), 1u);  // only b was tried
  EXPECT_EQ(errors[0].message.rfind("failed to autostart VM 'b': ", 0), 0u) << errors[0].message;
  auto transient = driver.setDomainAutostart(driver::DomainHandle{"x", Uuid::generate(), -1}, true);
  ASSERT_FALSE(transient);
  EXPECT_EQ(transient.error().code, ErrorCode::NoDomain);
}

TEST_F(QemuDriverNoQemu, StaleRuntimeStateIsRemovedAndTheDomainIsShutOff) {
  {
    QemuDomainDriver driver(lfs, clock, config());
    ASSERT_TRUE(driver.defineDomain(domainXml("vm1"), 0));
  }
  // A state file naming a process that is no QEMU of ours (this test) and a transient
  // domain's naming a pid that cannot exist.
  QemuDomainStore store(lfs, os::RootPaths::underRoot(root.dir));
  QemuRuntimeState state;
  state.pid = ::getpid();
  state.id = 3;
  state.monitorPath = store.monitorPath("vm1");
  state.def = *model::parseDomainXml(std::string(*lfs.readFile(root.dir + "/etc/qemu/vm1.xml")));
  ASSERT_TRUE(store.saveState(state));
  state.pid = 0x3ffffff0;
  state.monitorPath = store.monitorPath("gone");
  state.def = *model::parseDomainXml(domainXml("gone"));
  ASSERT_TRUE(store.saveState(state));

  QemuDomainDriver driver(lfs, clock, config());
  auto h = driver.lookupDomainByName("vm1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->id, -1);
  EXPECT_EQ(driver.domainState(*h)->state, DomainState::Shutoff);
  EXPECT_FALSE(driver.lookupDomainByName("gone"));
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/vm1.xml"));
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/gone.xml"));
}

TEST_F(QemuDriverNoQemu, ABusyDomainTimesOutOnItsStateChangeLock) {
  // The volume resolver runs inside the start's job: held there, it keeps the job taken.
  std::promise<void> entered, release;
  auto c = config();
  c.jobTimeout = std::chrono::milliseconds(200);
  c.resolveVolume = [&](const std::string& pool,
                        const std::string& volume) -> Result<ResolvedVolume> {
    entered.set_value();
    release.get_future().wait_for(std::chrono::seconds(30));
    return makeError(ErrorCode::NoStorageVol, ErrorDomain::Storage,
                     "no storage vol with matching name '" + volume + "' in pool " + pool);
  };
  QemuDomainDriver driver(lfs, clock, c);
  auto h = driver.defineDomain(
      domainXml("vm1", "",
                "<disk type='volume' device='disk'><driver name='qemu' type='raw'/>"
                "<source pool='default' volume='a.img'/><target dev='vda' bus='virtio'/></disk>"),
      0);
  ASSERT_TRUE(h) << h.error().text();
  auto first = std::async(std::launch::async, [&] { return driver.startDomain(*h, 0); });
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto second = driver.startDomain(*h, 0);
  release.set_value();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().text(), "Timed out during operation: cannot acquire state change lock");
  auto firstResult = first.get();
  ASSERT_FALSE(firstResult);
  EXPECT_EQ(firstResult.error().code, ErrorCode::NoStorageVol);
  EXPECT_FALSE(*driver.domainIsActive(*h));
  EXPECT_FALSE(fs::exists(root.dir + "/run/qemu/vm1.xml"));
}

}  // namespace
}  // namespace virtus::qemu
