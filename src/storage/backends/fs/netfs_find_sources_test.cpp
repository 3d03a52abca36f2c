// findPoolSources of netfs pools: showmount (Recorded output, see netfs_sources_test.cpp) and
// the gluster CLI (output recorded from a real one-node gluster, src/storage/testdata/gluster)
// through the strict scripted runner.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "storage/backends/fs/fs_test_support.h"

namespace virtus::storage::fs {
namespace {

std::string glusterTestdata(const std::string& name) {
  std::ifstream in(std::string(VIRTUS_SOURCE_DIR) + "/src/storage/testdata/gluster/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class NetfsFindSourcesRecorded : public testing::FsBackendTest {
 protected:
  void expectShowmount(const std::string& host) {
    step_ = &commands_.expect("showmount", "--no-headers", "--exports", host);
  }
  void expectGluster(const std::string& host) {
    step_ = &commands_.expect("gluster", "--xml", "--log-file=/dev/null", "volume", "info", "all",
                              "--remote-host=" + host);
  }
  virtus::testing::FakeCommandRunner::Expectation* step_ = nullptr;
  FsBackend backend_ = backend(model::PoolType::Netfs);
  const std::string spec_ = "<source><host name='srv.example.com'/></source>";
};

TEST_F(NetfsFindSourcesRecorded, ListsNfsExportsThenGlusterVolumes) {
  expectShowmount("srv.example.com");
  step_->replies(0, testing::testdata("showmount-exports.txt"));
  expectGluster("srv.example.com");
  step_->replies(0, glusterTestdata("volume-info-vol0.xml"));
  auto xml = backend_.findPoolSources(spec_, 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(*xml,
            "<sources>\n"
            "  <source>\n"
            "    <host name='srv.example.com'/>\n"
            "    <dir path='/export/images'/>\n"
            "    <format type='nfs'/>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='srv.example.com'/>\n"
            "    <dir path='/export/iso'/>\n"
            "    <format type='nfs'/>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='srv.example.com'/>\n"
            "    <dir path='/export/with space dir'/>\n"
            "    <format type='nfs'/>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='srv.example.com'/>\n"
            "    <dir path='/srv/nfs'/>\n"
            "    <format type='nfs'/>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='srv.example.com'/>\n"
            "    <dir path='vol0'/>\n"
            "    <format type='glusterfs'/>\n"
            "  </source>\n"
            "</sources>\n");
  for (const auto& cmd : commands_.commands())
    EXPECT_EQ(cmd.timeout, std::chrono::milliseconds(12000)) << cmd.program;
}

TEST_F(NetfsFindSourcesRecorded, TheSpecFormatDoesNotNarrowTheSearch) {
  // libvirt 9.0 asks showmount and gluster whatever format the spec names.
  expectShowmount("srv.example.com");
  step_->replies(1, "", "clnt_create: RPC: Program not registered\n");
  expectGluster("srv.example.com");
  step_->replies(0, glusterTestdata("volume-info-two.xml"));
  auto xml = backend_.findPoolSources(
      "<source><host name='srv.example.com'/><format type='nfs'/></source>", 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_NE(xml->find("<dir path='vol1'/>"), std::string::npos) << *xml;
  EXPECT_EQ(xml->find("type='nfs'"), std::string::npos) << *xml;
}

TEST_F(NetfsFindSourcesRecorded, NothingAnywhereIsLibvirtsError) {
  expectShowmount("srv.example.com");
  step_->replies(1, "", "clnt_create: RPC: Program not registered\n");
  expectGluster("srv.example.com");
  step_->replies(1, "Connection failed. Please check if gluster daemon is operational.\n");
  auto xml = backend_.findPoolSources(spec_, 0);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(xml.error().message, "no storage pools were found on host 'srv.example.com'");
}

TEST_F(NetfsFindSourcesRecorded, MissingGlusterCliIsNoGlusterVolumes) {
  expectShowmount("srv.example.com");
  step_->replies(0, "");
  expectGluster("srv.example.com");
  step_->fails(makeError(ErrorCode::SystemError, ErrorDomain::None,
                         "cannot execute binary gluster: No such file or directory"));
  auto xml = backend_.findPoolSources(spec_, 0);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(*xml, "<sources>\n</sources>\n");
}

TEST_F(NetfsFindSourcesRecorded, ShowmountGarbageWithoutGlusterIsAnInternalError) {
  expectShowmount("srv.example.com");
  step_->replies(0, testing::testdata("showmount-garbage.txt"));
  expectGluster("srv.example.com");
  step_->replies(1, "");
  auto xml = backend_.findPoolSources(spec_, 0);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code, ErrorCode::InternalError);
  EXPECT_NE(xml.error().message.find("showmount printed an unexpected line"), std::string::npos);
}

TEST_F(NetfsFindSourcesRecorded, GlusterGarbageIsAnInternalError) {
  expectShowmount("srv.example.com");
  step_->replies(0, testing::testdata("showmount-exports.txt"));
  expectGluster("srv.example.com");
  step_->replies(0, "not xml");
  auto xml = backend_.findPoolSources(spec_, 0);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code, ErrorCode::InternalError);
}

TEST_F(NetfsFindSourcesRecorded, DeadlinesAreOperationTimeout) {
  expectShowmount("srv.example.com");
  step_->fails(testing::timeoutError());
  EXPECT_EQ(backend_.findPoolSources(spec_, 0).error().code, ErrorCode::OperationTimeout);
  expectShowmount("srv.example.com");
  step_->replies(0, "");
  expectGluster("srv.example.com");
  step_->fails(testing::timeoutError());
  EXPECT_EQ(backend_.findPoolSources(spec_, 0).error().code, ErrorCode::OperationTimeout);
}

TEST_F(NetfsFindSourcesRecorded, BadSpecsAreRefusedBeforeAnyCommand) {
  auto empty = backend_.findPoolSources("", 0);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(empty.error().message, "hostname must be specified for netfs sources");
  auto two = backend_.findPoolSources("<source><host name='a'/><host name='b'/></source>", 0);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(two.error().message, "Expected exactly 1 host for the storage pool");
  auto format =
      backend_.findPoolSources("<source><host name='a'/><format type='ext4'/></source>", 0);
  ASSERT_FALSE(format);
  EXPECT_EQ(format.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(format.error().message, "unknown pool format type ext4");
  auto broken = backend_.findPoolSources("<source><host name='a'>", 0);
  ASSERT_FALSE(broken);
  auto root = backend_.findPoolSources("<pool/>", 0);
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().code, ErrorCode::XmlError);
  EXPECT_EQ(backend_.findPoolSources(spec_, 1).error().code, ErrorCode::InvalidArg);
  EXPECT_TRUE(commands_.commands().empty());
}

TEST_F(NetfsFindSourcesRecorded, FsPoolsHaveNoSourceDiscovery) {
  auto fsb = backend(model::PoolType::Fs);
  auto r = fsb.findPoolSources(spec_, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoSupport);
}

}  // namespace
}  // namespace virtus::storage::fs
