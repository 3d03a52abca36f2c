// The domain commands through runCli on a fake connection: virsh's messages and exit
// statuses, the lookups, the flags that reach the driver, and the refusal on the in-process
// connection (which has no domains).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "driver/domain_events.h"
#include "os/linux_file_system.h"

namespace virtus::cli {
namespace {

using driver::DomainHandle;
using driver::DomainState;

// One persistent guest "web" (id 3 while running) and what the commands asked for.
class FakeDomains final : public driver::DomainDriver {
 public:
  DomainHandle web{"web", *Uuid::parse("11111111-2222-3333-4444-555555555555"), -1};
  DomainState state = DomainState::Shutoff;
  std::vector<std::string> calls;  // "start 1", "attach 3 <disk/>" …

  driver::DomainEventBus& events() override { return bus_; }
  Result<std::vector<DomainHandle>> listAllDomains(unsigned flags) override {
    calls.push_back("list " + std::to_string(flags));
    return std::vector<DomainHandle>{web};
  }
  Result<DomainHandle> lookupDomainByName(std::string_view name) override {
    calls.push_back("byname " + std::string(name));
    if (name == web.name)
      return web;
    return missing();
  }
  Result<DomainHandle> lookupDomainByUuid(const Uuid& uuid) override {
    calls.push_back("byuuid");
    if (uuid == web.uuid)
      return web;
    return missing();
  }
  Result<DomainHandle> lookupDomainById(int id) override {
    calls.push_back("byid " + std::to_string(id));
    if (id >= 0 && id == web.id)
      return web;
    return missing();
  }
  Result<DomainHandle> defineDomain(std::string_view xml, unsigned flags) override {
    calls.push_back("define " + std::to_string(flags) + " " + std::string(xml));
    return web;
  }
  Result<void> undefineDomain(const DomainHandle&, unsigned) override { return ok(); }
  Result<std::string> domainXml(const DomainHandle&, unsigned flags) override {
    return "<domain flags='" + std::to_string(flags) + "'/>";
  }
  Result<DomainHandle> createDomain(std::string_view, unsigned) override { return web; }
  Result<DomainHandle> startDomain(const DomainHandle&, unsigned flags) override {
    calls.push_back("start " + std::to_string(flags));
    web.id = 3;
    state = flags ? DomainState::Paused : DomainState::Running;
    return web;
  }
  Result<void> destroyDomain(const DomainHandle&, unsigned flags) override {
    calls.push_back("destroy " + std::to_string(flags));
    if (web.id < 0)
      return makeError(ErrorCode::OperationInvalid, ErrorDomain::Domain, "domain is not running");
    web.id = -1;
    state = DomainState::Shutoff;
    return ok();
  }
  Result<void> shutdownDomain(const DomainHandle&, unsigned) override { return ok(); }
  Result<void> rebootDomain(const DomainHandle&, unsigned) override { return ok(); }
  Result<void> resetDomain(const DomainHandle&) override { return ok(); }
  Result<void> suspendDomain(const DomainHandle&) override { return ok(); }
  Result<void> resumeDomain(const DomainHandle&) override { return ok(); }
  Result<driver::DomainInfo> domainInfo(const DomainHandle&) override {
    return driver::DomainInfo{state, 1024, 512, 1, 0};
  }
  Result<driver::DomainStateReason> domainState(const DomainHandle&) override {
    return driver::DomainStateReason{state, state == DomainState::Paused ? 1 : 0};
  }
  Result<bool> domainIsActive(const DomainHandle&) override { return web.id >= 0; }
  Result<bool> domainIsPersistent(const DomainHandle&) override { return true; }
  Result<bool> domainAutostart(const DomainHandle&) override { return autostart_; }
  Result<void> setDomainAutostart(const DomainHandle&, bool on) override {
    autostart_ = on;
    return ok();
  }
  Result<void> attachDevice(const DomainHandle&, std::string_view xml, unsigned flags) override {
    calls.push_back("attach " + std::to_string(flags) + " " + std::string(xml));
    return ok();
  }
  Result<void> detachDevice(const DomainHandle&, std::string_view, unsigned flags) override {
    calls.push_back("detach " + std::to_string(flags));
    return makeError(ErrorCode::OperationFailed, ErrorDomain::Domain, "no such disk");
  }
  Result<void> updateDevice(const DomainHandle&, std::string_view, unsigned) override {
    return ok();
  }
  Result<driver::BlockInfo> blockInfo(const DomainHandle&, std::string_view disk) override {
    if (disk != "vda")
      return makeError(ErrorCode::InvalidArg, ErrorDomain::Domain,
                       "invalid path " + std::string(disk) + " not assigned to domain");
    return driver::BlockInfo{1048576, 4096, 1048576};
  }

 private:
  static Error missing() {
    return makeError(ErrorCode::NoDomain, ErrorDomain::Domain, "no domain with matching name");
  }
  driver::DomainEventBus bus_;
  bool autostart_ = false;
};

class FakeConnection final : public driver::Connection {
 public:
  explicit FakeConnection(driver::DomainDriver* domains) : domains_(domains) {}
  driver::StorageDriver& storage() override { std::abort(); }
  driver::SecretDriver& secrets() override { std::abort(); }
  driver::DomainDriver* domains() override { return domains_; }
  std::string uri() const override {
    return domains_ ? "test+unix:///default" : "virtus:///embed?root=/srv/v";
  }

 private:
  driver::DomainDriver* domains_;
};

struct CliRun {
  int status;
  std::string out, err;
};

class DomainCommands : public ::testing::Test {
 protected:
  CliRun run(std::vector<std::string> args, bool withDomains = true) {
    std::ostringstream out, err;
    os::LinuxFileSystem fs;
    CliHost host{out, err, fs, false, [&](const ConnectTarget&) {
                   return Result<driver::ConnectionPtr>(
                       std::make_unique<FakeConnection>(withDomains ? &domains : nullptr));
                 }};
    int status = runCli(args, host);
    return {status, out.str(), err.str()};
  }
  FakeDomains domains;
};

TEST_F(DomainCommands, EmbeddedConnectionSaysDomainsNeedADaemon) {
  for (const char* cmd : {"list", "dominfo", "start"}) {
    std::vector<std::string> args{cmd};
    if (std::string(cmd) != "list")
      args.push_back("web");
    auto r = run(args, false);
    EXPECT_EQ(r.status, 1) << cmd;
    EXPECT_EQ(r.err,
              "error: domains need a daemon connection: 'virtus:///embed?root=/srv/v' is the "
              "in-process connection, which manages storage and secrets only; connect to "
              "virtusd or libvirtd with -c URI (for example -c qemu:///system)\n")
        << cmd;
  }
}

TEST_F(DomainCommands, StartDestroyAndTheirMessages) {
  auto r = run({"start", "web"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Domain 'web' started\n\n");
  r = run({"start", "web"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: Domain is already active\n");
  r = run({"domid", "web"});
  EXPECT_EQ(r.out, "3\n\n");
  r = run({"destroy", "3", "--graceful"});  // by id
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Domain '3' destroyed\n\n");
  r = run({"destroy", "web"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "error: Failed to destroy domain 'web'\n"
            "error: Requested operation is not valid: domain is not running\n");
  EXPECT_NE(std::find(domains.calls.begin(), domains.calls.end(), "start 0"), domains.calls.end());
  EXPECT_NE(std::find(domains.calls.begin(), domains.calls.end(), "destroy 1"),
            domains.calls.end());
  r = run({"start", "--paused", "web"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(domains.calls.back(), "start 1");
  r = run({"domstate", "--reason", "web"});
  EXPECT_EQ(r.out, "paused (user)\n\n");
}

TEST_F(DomainCommands, LookupOrderAndFailure) {
  auto r = run({"dominfo", "nosuch"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: failed to get domain 'nosuch'\n");
  domains.calls.clear();
  r = run({"domname", "11111111-2222-3333-4444-555555555555"});
  EXPECT_EQ(r.out, "web\n\n");
  EXPECT_EQ(domains.calls, std::vector<std::string>{"byuuid"});
  domains.calls.clear();
  r = run({"domuuid", "42"});  // by id, then by name; never by UUID
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(domains.calls, (std::vector<std::string>{"byid 42", "byname 42"}));
}

TEST_F(DomainCommands, ListAndDominfo) {
  auto r = run({"list", "--all"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            " Id   Name   State\n"
            "-----------------------\n"
            " -    web    shut off\n\n");
  EXPECT_EQ(domains.calls.front(), "list 3");
  r = run({"list", "--all", "--json"});
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j[0]["name"], "web");
  EXPECT_EQ(j[0]["persistent"], true);
  r = run({"dominfo", "web"});
  EXPECT_EQ(r.out,
            "Id:             -\n"
            "Name:           web\n"
            "UUID:           11111111-2222-3333-4444-555555555555\n"
            "State:          shut off\n"
            "CPU(s):         1\n"
            "Max memory:     1024 KiB\n"
            "Used memory:    512 KiB\n"
            "Persistent:     yes\n"
            "Autostart:      disable\n"
            "Managed save:   unknown\n\n");
}

TEST_F(DomainCommands, DefineAutostartDumpxmlBlkinfo) {
  auto r = run({"define", "/nonexistent/virtus/dom.xml"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("error: Failed to open file '/nonexistent/virtus/dom.xml'", 0), 0u);
  r = run({"autostart", "web"});
  EXPECT_EQ(r.out, "Domain 'web' marked as autostarted\n\n");
  r = run({"autostart", "--disable", "web"});
  EXPECT_EQ(r.out, "Domain 'web' unmarked as autostarted\n\n");
  r = run({"dumpxml", "web", "--inactive", "--security-info"});
  EXPECT_EQ(r.out, "<domain flags='3'/>\n\n");
  r = run({"domblkinfo", "web", "vda"});
  EXPECT_EQ(r.out, "Capacity:       1048576\nAllocation:     4096\nPhysical:       1048576\n\n");
  r = run({"domblkinfo", "web", "vdz"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: invalid argument: invalid path vdz not assigned to domain\n");
}

TEST_F(DomainCommands, DeviceFlagsFollowVirsh) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("virtus-cli-disk-" + std::to_string(getpid())))
          .string();
  std::ofstream(path) << "<disk/>";
  auto r = run({"attach-device", "web", path});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Device attached successfully\n\n");
  EXPECT_EQ(domains.calls.back(), "attach 1 <disk/>");  // no option: the live guest
  run({"attach-device", "web", path, "--config"});
  EXPECT_EQ(domains.calls.back(), "attach 2 <disk/>");
  run({"attach-device", "web", path, "--persistent"});  // inactive: config only
  EXPECT_EQ(domains.calls.back(), "attach 2 <disk/>");
  run({"start", "web"});
  run({"attach-device", "web", path, "--persistent"});  // running: both
  EXPECT_EQ(domains.calls.back(), "attach 3 <disk/>");
  run({"attach-device", "web", path, "--current"});
  EXPECT_EQ(domains.calls.back(), "attach 0 <disk/>");
  r = run({"attach-device", "web", path, "--current", "--live"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: Options --current and --live are mutually exclusive\n");
  r = run({"detach-device", "web", path, "--live"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, std::string("error: Failed to detach device from ") + path +
                       "\nerror: operation failed: no such disk\n");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace virtus::cli
