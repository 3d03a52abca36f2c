// The pool manager with the VALIDATE flags of virStoragePoolDefineXML,
// virStorageVolCreateXML and virStorageVolCreateXMLFrom: a definition libvirt's parser
// accepts but its schema refuses is refused only with the flag.
#include <gtest/gtest.h>

#include "driver/storage_flags.h"
#include "model/xml/schema_validator.h"
#include "storage/pool_manager.h"
#include "storage/pool_manager_test_support.h"

namespace virtus::storage::testing {
namespace {

const std::string kPoolSchemaPath = std::string(model::kLibvirtSchemaDir) + "/storagepool.rng";
const std::string kVolSchemaPath = std::string(model::kLibvirtSchemaDir) + "/storagevol.rng";

std::string poolWithExtraElement(const std::string& name) {
  return "<pool type='dir'><name>" + name + "</name><target><path>/fake/" + name +
         "</path></target><bogus/></pool>";
}

class StorageValidateTest : public ManagerFixture {
 protected:
  void SetUp() override { m_ = makeManager(); }
  std::unique_ptr<PoolManager> m_;
};

TEST_F(StorageValidateTest, DefineWithValidateRefusesSchemaInvalidPool) {
  auto refused = m_->definePool(poolWithExtraElement("p"), driver::define_pool::kValidate);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(refused.error().domain, ErrorDomain::Xml);
  EXPECT_EQ(refused.error().message, "Unable to validate doc against " + kPoolSchemaPath +
                                         "\nElement pool has extra content: bogus\n");
  // Nothing was defined, nothing written.
  EXPECT_TRUE(m_->listAllPools(0)->empty());
  EXPECT_FALSE(fileExists("etc/storage/p.xml"));

  auto accepted = m_->definePool(poolWithExtraElement("p"), 0);
  ASSERT_TRUE(accepted) << accepted.error().text();
  EXPECT_EQ(accepted->name, "p");
  // The ignored element is not kept.
  EXPECT_EQ(m_->poolXml(*accepted, 0)->find("bogus"), std::string::npos);
}

TEST_F(StorageValidateTest, DefineWithValidateAcceptsValidPool) {
  auto pool = m_->definePool(poolXml("p", kUuidA), driver::define_pool::kValidate);
  ASSERT_TRUE(pool) << pool.error().text();
  EXPECT_EQ(pool->name, "p");
  EXPECT_TRUE(fileExists("etc/storage/p.xml"));
}

// The fake backend, recording the flags the manager hands to volume builds.
class FlagRecordingBackend final : public StorageBackend {
 public:
  FlagRecordingBackend(FakeStorage& storage, std::vector<unsigned>& buildFlags)
      : inner_(storage, allFeatures()), buildFlags_(buildFlags) {}

  model::PoolType type() const override { return inner_.type(); }
  BackendFeatures features() const override { return inner_.features(); }
  Result<void> refreshPool(PoolRuntime& pool) override { return inner_.refreshPool(pool); }
  Result<bool> checkPool(const PoolRuntime& pool) override { return inner_.checkPool(pool); }
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override {
    return inner_.buildPool(pool, flags);
  }
  Result<void> startPool(PoolRuntime& pool) override { return inner_.startPool(pool); }
  Result<void> stopPool(PoolRuntime& pool) override { return inner_.stopPool(pool); }
  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override {
    return inner_.createVol(pool, vol);
  }
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override {
    buildFlags_.push_back(flags);
    return inner_.buildVol(pool, vol, flags);
  }
  Result<void> buildVolFrom(PoolRuntime& pool, model::VolDef& vol, const model::VolDef& source,
                            unsigned flags, const driver::ProgressFn& progress) override {
    buildFlags_.push_back(flags);
    return inner_.buildVolFrom(pool, vol, source, flags, progress);
  }
  Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol) override {
    return inner_.refreshVol(pool, vol);
  }
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override {
    return inner_.deleteVol(pool, vol, flags);
  }

 private:
  FakeBackend inner_;
  std::vector<unsigned>& buildFlags_;
};

class StorageValidateVolumeTest : public ManagerFixture {
 protected:
  void SetUp() override {
    BackendRegistry registry;
    registry.add(model::PoolType::Dir, [this](const BackendContext&) {
      return std::make_unique<FlagRecordingBackend>(storage_, buildFlags_);
    });
    m_ = std::make_unique<PoolManager>(registry, context_, paths_);
    m_->loadState();
    storage_.pools = {"/fake/p"};
    pool_ = *m_->definePool(poolXml("p", kUuidA), 0);
    ASSERT_TRUE(m_->startPool(pool_, 0));
  }
  std::vector<unsigned> buildFlags_;
  std::unique_ptr<PoolManager> m_;
  driver::PoolHandle pool_;
};

TEST_F(StorageValidateVolumeTest, CreateWithValidateRefusesSchemaInvalidVolume) {
  const std::string xml = "<volume><name>v</name><capacity>1024</capacity><bogus/></volume>";
  auto refused = m_->createVol(pool_, xml, driver::create_vol::kValidate);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(refused.error().message,
            "Unable to validate doc against " + kVolSchemaPath +
                "\nExpecting an element target, got nothing\nInvalid sequence in interleave\n"
                "Element volume failed to validate content\n");
  EXPECT_FALSE(storage_.called("buildVol p/v"));
  EXPECT_TRUE(m_->listAllVolumes(pool_, 0)->empty());

  auto accepted = m_->createVol(pool_, xml, 0);
  ASSERT_TRUE(accepted) << accepted.error().text();
  EXPECT_TRUE(storage_.called("buildVol p/v"));
}

TEST_F(StorageValidateVolumeTest, CreateWithValidateAcceptsValidVolume) {
  // storagevol.rng requires <target>, which volXml() leaves out.
  auto vol =
      m_->createVol(pool_, "<volume><name>v</name><capacity>4096</capacity><target/></volume>",
                    driver::create_vol::kValidate);
  ASSERT_TRUE(vol) << vol.error().text();
  EXPECT_EQ(vol->name, "v");
  // The flag is the parser's: backends (libvirt's check their flags) never see it.
  EXPECT_EQ(buildFlags_, std::vector<unsigned>{0u});
}

TEST_F(StorageValidateVolumeTest, CreateFromWithValidateChecksTheNewDefinition) {
  auto source = m_->createVol(pool_, volXml("src", 4096), 0);
  ASSERT_TRUE(source) << source.error().text();
  const std::string invalid =
      "<volume><name>copy</name><target><path>/x</path></target><bogus/></volume>";
  auto refused = m_->createVolFrom(pool_, invalid, *source, driver::create_vol::kValidate);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(refused.error().message, "Unable to validate doc against " + kVolSchemaPath +
                                         "\nElement volume has extra content: bogus\n");
  EXPECT_FALSE(storage_.called("buildVolFrom p/copy src"));

  auto accepted = m_->createVolFrom(pool_, "<volume><name>copy</name><target/></volume>", *source,
                                    driver::create_vol::kValidate);
  ASSERT_TRUE(accepted) << accepted.error().text();
  EXPECT_TRUE(storage_.called("buildVolFrom p/copy src"));
  EXPECT_EQ(buildFlags_, (std::vector<unsigned>{0u, 0u}));
}

}  // namespace
}  // namespace virtus::storage::testing
