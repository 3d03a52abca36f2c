#include "cli/app.h"

#include <gtest/gtest.h>

#include <sstream>

#include "os/linux_file_system.h"

namespace virtus::cli {
namespace {

struct Run {
  int status;
  std::string out, err;
};

Run run(std::vector<std::string> args) {
  std::ostringstream out, err;
  os::LinuxFileSystem fs;
  CliHost host{out, err, fs, false, [](const ConnectTarget&) {
                 return Result<driver::ConnectionPtr>(
                     makeError(ErrorCode::NoConnect, ErrorDomain::None, "test has no manager"));
               }};
  int status = runCli(args, host);
  return {status, out.str(), err.str()};
}

TEST(App, HelpOnEveryCommandExitsZero) {
  for (const char* cmd :
       {"pool-list", "pool-define-as", "vol-create-as", "vol-upload", "vol-resize", "pool-edit",
        "xml", "list", "dominfo", "attach-device", "domblkinfo"}) {
    auto r = run({cmd, "--help"});
    EXPECT_EQ(r.status, 0) << cmd;
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
}

TEST(App, ConnectionFailureIsReportedAsVirsh) {
  auto r = run({"pool-list"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: failed to connect to the hypervisor\nerror: test has no manager\n");
}

TEST(App, UnknownCommandAndMissingArgumentFail) {
  auto r = run({"pool-frobnicate"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u);
  r = run({"pool-info"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u);
}

TEST(App, PrintXmlNeedsNoConnection) {
  auto r = run({"pool-define-as", "foo", "dir", "--target", "/srv/foo", "--print-xml"});
  EXPECT_EQ(r.status, 0);
  // virsh prints the document, then its blank line after each command.
  EXPECT_EQ(r.out,
            "<pool type='dir'>\n  <name>foo</name>\n  <target>\n    <path>/srv/foo</path>\n"
            "  </target>\n</pool>\n\n");
  r = run({"-q", "pool-define-as", "foo", "dir", "/src/host", "--print-xml"});
  EXPECT_EQ(r.out,
            "<pool type='dir'>\n  <name>foo</name>\n  <source>\n    <host name='/src/host'/>\n"
            "  </source>\n</pool>\n");
}

TEST(App, XmlCommandOnMissingFileFails) {
  auto r = run({"xml", "pool", "/nonexistent/virtus/pool.xml"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST(App, ExclusiveOptionsBeforeConnecting) {
  auto r = run({"pool-list", "--details", "--uuid"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: Options --details and --uuid are mutually exclusive\n");
  r = run({"pool-list", "--type", "foo"});
  EXPECT_EQ(r.err, "error: Invalid pool type 'foo'\n");
}

TEST(App, ConnectOptionReachesTheOpener) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-c", "qemu:///session", "pool-list"},
        std::vector<std::string>{"--connect", "qemu:///session", "pool-list"},
        std::vector<std::string>{"--connect=qemu:///session", "pool-list"},
        std::vector<std::string>{"-q", "-c", "qemu:///session", "pool-list"}}) {
    std::ostringstream out, err;
    os::LinuxFileSystem fs;
    ConnectTarget seen;
    CliHost host{out, err, fs, false, [&](const ConnectTarget& target) {
                   seen = target;
                   return Result<driver::ConnectionPtr>(
                       makeError(ErrorCode::NoConnect, ErrorDomain::None, "no daemon"));
                 }};
    EXPECT_EQ(runCli(args, host), 1) << args[0];
    ASSERT_TRUE(seen.uri.has_value()) << args[0];
    EXPECT_EQ(*seen.uri, "qemu:///session");
    EXPECT_FALSE(seen.root.has_value());
    EXPECT_EQ(err.str(), "error: failed to connect to the hypervisor\nerror: no daemon\n");
  }
}

}  // namespace
}  // namespace virtus::cli
