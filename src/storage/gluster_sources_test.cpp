// Source discovery on recorded output of the gluster CLI (GlusterFS 10.3; testdata/gluster/*.xml
// were captured from the service of tests/services/gluster.sh, the brick path shortened).
#include "storage/gluster_sources.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace virtus::storage::gluster {
namespace {

std::string testdata(const std::string& name) {
  std::ifstream in(std::string(VIRTUS_SOURCE_DIR) + "/src/storage/testdata/gluster/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(GlusterSources, CommandIsLibvirts) {
  auto cmd = buildVolumeInfoCommand("gl.example.com");
  EXPECT_EQ(cmd.program, "gluster");
  EXPECT_EQ(cmd.args, (std::vector<std::string>{"--xml", "--log-file=/dev/null", "volume", "info",
                                                "all", "--remote-host=gl.example.com"}));
}

TEST(GlusterSources, ParsesOneVolume) {
  auto names = parseVolumeInfoNames(testdata("volume-info-vol0.xml"));
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(*names, std::vector<std::string>{"vol0"});
}

TEST(GlusterSources, ParsesStartedAndCreatedVolumes) {
  auto names = parseVolumeInfoNames(testdata("volume-info-two.xml"));
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"vol0", "vol1"}));
}

TEST(GlusterSources, ReportsTheCliError) {
  auto names = parseVolumeInfoNames(testdata("volume-info-nosuch.xml"));
  ASSERT_FALSE(names);
  EXPECT_EQ(names.error().code, ErrorCode::InternalError);
  EXPECT_EQ(names.error().message, "gluster failed to list its volumes: Volume does not exist");
}

TEST(GlusterSources, RejectsGarbage) {
  for (const char* bad : {"", "Connection failed. Please check if gluster daemon is operational.",
                          "<cliOutput><opRet>0</opRet><volInfo><volumes><volume><id>x</id>"
                          "</volume></volumes></volInfo></cliOutput>",
                          "<other/>"}) {
    auto names = parseVolumeInfoNames(bad);
    ASSERT_FALSE(names) << bad;
    EXPECT_EQ(names.error().code, ErrorCode::InternalError) << bad;
  }
}

TEST(GlusterSources, FormatsLikeLibvirt) {
  EXPECT_EQ(formatGlusterSources("testhost", {"aaa", "test"}),
            "<sources>\n"
            "  <source>\n"
            "    <host name='testhost'/>\n"
            "    <dir path='/'/>\n"
            "    <name>aaa</name>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='testhost'/>\n"
            "    <dir path='/'/>\n"
            "    <name>test</name>\n"
            "  </source>\n"
            "</sources>\n");
  EXPECT_EQ(formatGlusterSources("h", {}), "<sources>\n</sources>\n");
}

TEST(GlusterSources, SourceSpecHost) {
  auto host = sourceSpecHost("<source><host name='gl.example.com'/></source>");
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ(*host, "gl.example.com");

  auto empty = sourceSpecHost("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(empty.error().message, "hostname must be specified for gluster sources");

  auto two = sourceSpecHost("<source><host name='a'/><host name='b'/></source>");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, ErrorCode::ConfigUnsupported);

  auto broken = sourceSpecHost("<source><host name='a'>");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::XmlError);
}

}  // namespace
}  // namespace virtus::storage::gluster
