#include "hypervisor/qemu/qemu_console.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model/domain/domain_xml.h"

namespace virtus::qemu {
namespace {

model::DomainDef parse(const std::string& devices) {
  auto def = model::parseDomainXml(
      "<domain type='qemu'><name>g</name><memory unit='MiB'>64</memory>"
      "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>" +
      devices + "</devices></domain>");
  EXPECT_TRUE(def) << def.error().text();
  return def ? *def : model::DomainDef{};
}

constexpr const char* kPtySerialAndConsole =
    "<serial type='pty'><target port='0'/></serial>"
    "<console type='pty'><target type='serial' port='0'/></console>";

TEST(QemuConsole, QueryChardevGivesThePtysByChardevId) {
  const auto reply = nlohmann::json::parse(R"([
    {"frontend-open": true, "filename": "pty:/dev/pts/7", "label": "charserial0"},
    {"frontend-open": true, "filename": "unix:/run/mon.sock,server=on", "label": "charmonitor"},
    {"frontend-open": false, "filename": "file", "label": "charserial1"},
    {"filename": "pty:", "label": "empty"},
    {"label": "nofile"}, 17])");
  const auto ptys = parsePtyPaths(reply);
  ASSERT_EQ(ptys.size(), 1u);
  EXPECT_EQ(ptys.at("charserial0"), "/dev/pts/7");
  EXPECT_TRUE(parsePtyPaths(nlohmann::json::object()).empty());
}

TEST(QemuConsole, TheDefaultIsTheFirstConsoleWhichIsTheFirstSerial) {
  auto def = parse(kPtySerialAndConsole);
  auto t = findConsole(def, "");
  ASSERT_TRUE(t) << t.error().text();
  EXPECT_EQ(t->alias, "serial0");
  EXPECT_EQ(t->chardev, "charserial0");
  auto named = findConsole(def, "serial0");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->chardev, "charserial0");
}

TEST(QemuConsole, WithoutConsoleTheFirstSerialAndOthersByAlias) {
  auto def = parse(
      "<serial type='file'><source path='/var/log/s0'/><target port='0'/></serial>"
      "<serial type='pty'><target port='1'/></serial>");
  auto second = findConsole(def, "serial1");
  ASSERT_TRUE(second) << second.error().text();
  EXPECT_EQ(second->chardev, "charserial1");
  // The default is serial0, a file: libvirt's words name its alias.
  auto first = findConsole(def, "");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::InternalError);
  EXPECT_EQ(first.error().message, "character device serial0 is not using a PTY");
  auto named = findConsole(def, "serial0");
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().message, "character device serial0 is not using a PTY");
}

TEST(QemuConsole, UnknownNamesAndNoDevicesAreLibvirtsError) {
  auto def = parse(kPtySerialAndConsole);
  auto unknown = findConsole(def, "serial3");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::InternalError);
  EXPECT_EQ(unknown.error().domain, ErrorDomain::Qemu);
  EXPECT_EQ(unknown.error().message, "cannot find character device serial3");
  auto none = findConsole(parse(""), "");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "cannot find character device (null)");
}

TEST(QemuConsole, TheLiveDefinitionGetsThePtyPaths) {
  auto def = parse(kPtySerialAndConsole);
  setPtyPaths(def, {{"charserial0", "/dev/pts/3"}});
  ASSERT_EQ(def.serials.size(), 1u);
  EXPECT_EQ(def.serials[0].src.path, "/dev/pts/3");
  ASSERT_EQ(def.consoles.size(), 1u);
  EXPECT_EQ(def.consoles[0].src.path, "/dev/pts/3");
  // A chardev QEMU did not report leaves no stale path.
  setPtyPaths(def, {});
  EXPECT_EQ(def.serials[0].src.path, "");
}

}  // namespace
}  // namespace virtus::qemu
