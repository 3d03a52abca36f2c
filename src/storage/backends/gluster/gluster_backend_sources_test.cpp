// findPoolSources of the gluster backend on recorded output of the gluster CLI (the parser
// and its recorded output are in src/storage/gluster_sources*, shared with netfs pools).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fakes/fake_command_runner.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/gluster/gluster_backend.h"
#include "storage/gluster_sources.h"

namespace virtus::storage::gluster {
namespace {

std::string testdata(const std::string& name) {
  std::ifstream in(std::string(VIRTUS_SOURCE_DIR) + "/src/storage/testdata/gluster/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class GlusterFindSourcesTest : public ::testing::Test {
 protected:
  testing::FakeCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  BackendContext ctx_{commands_, fs_, clock_};
  GlusterBackend backend_{ctx_, GlusterBackend::Options{}};
};

TEST_F(GlusterFindSourcesTest, ListsTheHostsVolumes) {
  commands_
      .expect("gluster", "--xml", "--log-file=/dev/null", "volume", "info", "all",
              "--remote-host=127.0.0.1")
      .replies(0, testdata("volume-info-two.xml"));
  auto xml = backend_.findPoolSources("<source><host name='127.0.0.1'/></source>", 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(*xml, formatGlusterSources("127.0.0.1", {"vol0", "vol1"}));
  EXPECT_EQ(backend_.openConnections(), 0u);
}

TEST_F(GlusterFindSourcesTest, UnreachableHostHasNoSources) {
  commands_
      .expect("gluster", "--xml", "--log-file=/dev/null", "volume", "info", "all",
              "--remote-host=nowhere")
      .replies(1, "Connection failed. Please check if gluster daemon is operational.\n");
  auto xml = backend_.findPoolSources("<source><host name='nowhere'/></source>", 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(*xml, "<sources>\n</sources>\n");
}

TEST_F(GlusterFindSourcesTest, GarbageIsAnError) {
  commands_
      .expect("gluster", "--xml", "--log-file=/dev/null", "volume", "info", "all",
              "--remote-host=h")
      .replies(0, "not xml");
  auto xml = backend_.findPoolSources("<source><host name='h'/></source>", 0);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code, ErrorCode::InternalError);
}

TEST_F(GlusterFindSourcesTest, RejectsFlags) {
  auto xml = backend_.findPoolSources("<source><host name='h'/></source>", 1);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code, ErrorCode::InvalidArg);
}

}  // namespace
}  // namespace virtus::storage::gluster
