// The manager's connection-level calls: lookup by target path, source discovery and the
// pool capabilities document. Expected errors are libvirt 9.0's, checked against its
// session libvirtd.
#include <gtest/gtest.h>

#include "storage/pool_manager.h"
#include "storage/pool_manager_test_support.h"

namespace virtus::storage::testing {
namespace {

class PoolManagerDiscoveryTest : public ManagerFixture {};

// A netfs backend that can discover sources and records what it was asked.
class DiscoveringBackend final : public StorageBackend {
 public:
  explicit DiscoveringBackend(std::vector<std::string>& calls) : calls_(calls) {}
  model::PoolType type() const override { return model::PoolType::Netfs; }
  BackendFeatures features() const override {
    BackendFeatures f;
    f.findPoolSources = true;
    return f;
  }
  Result<void> refreshPool(PoolRuntime&) override { return ok(); }
  Result<std::string> findPoolSources(std::string_view spec, unsigned flags) override {
    calls_.push_back(std::string(spec) + " " + std::to_string(flags));
    return std::string("<sources>\n</sources>\n");
  }

 private:
  std::vector<std::string>& calls_;
};

TEST_F(PoolManagerDiscoveryTest, LookupByTargetPathFindsOnlyActivePools) {
  auto m = makeManager();
  auto p = m->definePool(poolXml("p", kUuidA, "/fake/p"), 0);
  auto q = m->definePool(poolXml("q", kUuidB, "/fake/q"), 0);
  ASSERT_TRUE(p && q);

  auto inactive = m->lookupPoolByTargetPath("/fake/p");
  ASSERT_FALSE(inactive);
  EXPECT_EQ(inactive.error().code, ErrorCode::NoStoragePool);
  EXPECT_EQ(inactive.error().domain, ErrorDomain::Storage);
  EXPECT_EQ(inactive.error().text(),
            "Storage pool not found: no storage pool with matching target path '/fake/p'");

  storage_.pools = {"/fake/p", "/fake/q"};
  ASSERT_TRUE(m->startPool(*p, 0));
  ASSERT_TRUE(m->startPool(*q, 0));
  auto found = m->lookupPoolByTargetPath("/fake/q");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, *q);
  EXPECT_EQ(m->lookupPoolByTargetPath("/fake/p")->name, "p");
}

TEST_F(PoolManagerDiscoveryTest, LookupByTargetPathCleansThePath) {
  auto m = makeManager();
  auto p = m->definePool(poolXml("p", kUuidA, "/fake/p"), 0);
  ASSERT_TRUE(p);
  storage_.pools = {"/fake/p"};
  ASSERT_TRUE(m->startPool(*p, 0));

  auto found = m->lookupPoolByTargetPath("///fake//p/");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->name, "p");

  // libvirt names both spellings when cleaning changed the path, and keeps a leading "//".
  auto missing = m->lookupPoolByTargetPath("//nonexist//x/");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NoStoragePool);
  EXPECT_EQ(missing.error().message,
            "no storage pool with matching target path '//nonexist//x/' (//nonexist/x)");
  EXPECT_EQ(m->lookupPoolByTargetPath("//fake/p").error().message,
            "no storage pool with matching target path '//fake/p'");
  EXPECT_EQ(m->lookupPoolByTargetPath("").error().message,
            "no storage pool with matching target path ''");
}

TEST_F(PoolManagerDiscoveryTest, LookupByTargetPathAfterDestroyFails) {
  auto m = makeManager();
  auto p = m->definePool(poolXml("p", kUuidA, "/fake/p"), 0);
  ASSERT_TRUE(p);
  storage_.pools = {"/fake/p"};
  ASSERT_TRUE(m->startPool(*p, 0));
  ASSERT_TRUE(m->lookupPoolByTargetPath("/fake/p"));
  ASSERT_TRUE(m->destroyPool(*p));
  EXPECT_FALSE(m->lookupPoolByTargetPath("/fake/p"));
}

TEST_F(PoolManagerDiscoveryTest, FindPoolSourcesOfAnUnknownType) {
  auto m = makeManager();
  auto r = m->findPoolSources("bogus", "", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().domain, ErrorDomain::Storage);
  EXPECT_EQ(r.error().text(), "internal error: unknown storage pool type bogus");
}

TEST_F(PoolManagerDiscoveryTest, FindPoolSourcesOfATypeWithoutBackend) {
  auto m = makeManager();
  auto r = m->findPoolSources("iscsi-direct", "", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().text(), "internal error: missing backend for pool type 6 (iscsi-direct)");
}

TEST_F(PoolManagerDiscoveryTest, FindPoolSourcesOfABackendThatCannotSearch) {
  auto m = makeManager();  // the fake dir backend has no findPoolSources
  auto r = m->findPoolSources("dir", "", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::NoSupport);
  EXPECT_EQ(r.error().domain, ErrorDomain::Storage);
  EXPECT_EQ(r.error().text(),
            "this function is not supported by the connection driver: pool type 'dir' does not "
            "support source discovery");
}

TEST_F(PoolManagerDiscoveryTest, FindPoolSourcesAsksTheBackend) {
  std::vector<std::string> calls;
  BackendRegistry registry;
  registry.add(model::PoolType::Netfs, [&calls](const BackendContext&) {
    return std::make_unique<DiscoveringBackend>(calls);
  });
  PoolManager m(registry, context_, paths_);
  auto r = m.findPoolSources("netfs", "<source><host name='h'/></source>", 3);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "<sources>\n</sources>\n");
  EXPECT_EQ(calls, std::vector<std::string>{"<source><host name='h'/></source> 3"});
}

// The <pool …> line of `type` in a capabilities document.
std::string poolLine(const std::string& doc, const std::string& type) {
  auto at = doc.find("<pool type='" + type + "' ");
  if (at == std::string::npos)
    return "";
  return doc.substr(at, doc.find('\n', at) - at);
}

TEST_F(PoolManagerDiscoveryTest, CapabilitiesSupportOnlyRegisteredTypes) {
  auto m = makeManager();
  auto doc = m->poolCapabilities(0);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_TRUE(doc->starts_with("<storagepoolCapabilities>\n"));
  EXPECT_EQ(poolLine(*doc, "dir"), "<pool type='dir' supported='yes'>");
  for (std::string type : {"fs", "netfs", "logical", "disk", "iscsi", "iscsi-direct", "scsi",
                           "mpath", "rbd", "sheepdog", "gluster", "zfs", "vstorage"}) {
    EXPECT_EQ(poolLine(*doc, type), "<pool type='" + type + "' supported='no'>");
  }
  // libvirt's dir entry: the file formats from "none" on.
  EXPECT_NE(doc->find("  <pool type='dir' supported='yes'>\n"
                      "    <volOptions>\n"
                      "      <defaultFormat type='raw'/>\n"
                      "      <enum name='targetFormatType'>\n"
                      "        <value>none</value>\n"
                      "        <value>raw</value>\n"),
            std::string::npos);
}

TEST_F(PoolManagerDiscoveryTest, CapabilitiesFollowTheRegistry) {
  std::vector<std::string> calls;
  BackendRegistry registry;
  registry.add(model::PoolType::Netfs, [&calls](const BackendContext&) {
    return std::make_unique<DiscoveringBackend>(calls);
  });
  PoolManager m(registry, context_, paths_);
  auto doc = m.poolCapabilities(0);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(poolLine(*doc, "netfs"), "<pool type='netfs' supported='yes'>");
  EXPECT_EQ(poolLine(*doc, "dir"), "<pool type='dir' supported='no'>");
}

TEST_F(PoolManagerDiscoveryTest, VirtusFlagAddsTheOperationsOfSupportedTypes) {
  std::vector<std::string> calls;
  BackendRegistry registry;
  registry.add(model::PoolType::Netfs, [&calls](const BackendContext&) {
    return std::make_unique<DiscoveringBackend>(calls);
  });
  PoolManager m(registry, context_, paths_);
  auto doc = m.poolCapabilities(driver::pool_caps::kVirtusOperations);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_NE(doc->find("  <pool type='netfs' supported='yes'>\n"
                      "    <poolOptions>\n"),
            std::string::npos);
  EXPECT_NE(doc->find("    </volOptions>\n"
                      "    <operations>\n"
                      "      <value>refresh</value>\n"
                      "      <value>find-sources</value>\n"
                      "    </operations>\n"
                      "  </pool>\n"),
            std::string::npos)
      << *doc;
  // Once only: the unsupported types have none.
  EXPECT_EQ(doc->find("<operations>"), doc->rfind("<operations>"));
  // Without the flag, libvirt's document.
  EXPECT_EQ(m.poolCapabilities(0)->find("<operations>"), std::string::npos);
}

TEST_F(PoolManagerDiscoveryTest, CapabilitiesRejectFlags) {
  auto m = makeManager();
  auto r = m->poolCapabilities(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(r.error().message,
            "unsupported flags (0x1) in function storageConnectGetStoragePoolCapabilities");
}

}  // namespace
}  // namespace virtus::storage::testing
