#include "storage/storage_xml.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace virtus::storage {
namespace {

const std::string kPoolSchemaPath = std::string(model::kLibvirtSchemaDir) + "/storagepool.rng";
const std::string kVolSchemaPath = std::string(model::kLibvirtSchemaDir) + "/storagevol.rng";

// libvirt 9.0's parser ignores elements it does not know; its schema refuses them.
const char* kPoolWithExtraElement =
    "<pool type='dir'><name>p</name><target><path>/a</path></target><bogus/></pool>";
const char* kVolWithExtraElement =
    "<volume><name>v</name><capacity>1024</capacity><target><path>/a/v</path></target>"
    "<bogus/></volume>";

model::PoolDef dirPool() {
  auto pool = parsePoolDefinition(
      "<pool type='dir'><name>p</name><target><path>/a</path></target></pool>", true);
  EXPECT_TRUE(pool) << pool.error().text();
  return pool ? *pool : model::PoolDef{};
}

TEST(StorageXml, PoolSchemaIsCheckedOnlyWhenAsked) {
  auto plain = parsePoolDefinition(kPoolWithExtraElement, false);
  ASSERT_TRUE(plain) << plain.error().text();
  EXPECT_EQ(plain->name, "p");

  auto validated = parsePoolDefinition(kPoolWithExtraElement, true);
  ASSERT_FALSE(validated);
  EXPECT_EQ(validated.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(validated.error().domain, ErrorDomain::Xml);
  EXPECT_EQ(validated.error().message, "Unable to validate doc against " + kPoolSchemaPath +
                                           "\nElement pool has extra content: bogus\n");
}

TEST(StorageXml, ParseErrorsComeBeforeSchemaErrors) {
  // As libvirt: a malformed document and a wrong root are reported as without the flag.
  auto malformed = parsePoolDefinition("<pool type='dir'><name>x</name>", true);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, ErrorCode::XmlDetail);
  EXPECT_EQ(malformed.error().domain, ErrorDomain::Storage);
  EXPECT_EQ(malformed.error().message.rfind("(storage_pool_definition):1: ", 0), 0u)
      << malformed.error().message;

  auto wrongRoot = parsePoolDefinition("<volume><name>v</name></volume>", true);
  ASSERT_FALSE(wrongRoot);
  EXPECT_EQ(wrongRoot.error().code, ErrorCode::XmlError);
  EXPECT_EQ(wrongRoot.error().message, "expecting root element of 'pool', not 'volume'");

  auto volRoot = parseVolDefinition(dirPool(), "<pool/>", VolCapacity::Optional, true);
  ASSERT_FALSE(volRoot);
  EXPECT_EQ(volRoot.error().message, "expecting root element of 'volume', not 'pool'");
}

TEST(StorageXml, SchemaErrorsComeBeforeDefinitionErrors) {
  // libvirt 9.0 (test driver): an unknown pool type is a schema error with the flag.
  auto r = parsePoolDefinition(
      "<pool type='bogus'><name>x</name><target><path>/a</path></target></pool>", true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(r.error().message, "Unable to validate doc against " + kPoolSchemaPath +
                                   "\nElement pool failed to validate content\n");
  auto plain = parsePoolDefinition(
      "<pool type='bogus'><name>x</name><target><path>/a</path></target></pool>", false);
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().code, ErrorCode::XmlInvalidSchema);
}

TEST(StorageXml, VolumeSchemaIsCheckedOnlyWhenAsked) {
  auto pool = dirPool();
  for (auto capacity : {VolCapacity::RequiredUnlessBacking, VolCapacity::Optional}) {
    auto plain = parseVolDefinition(pool, kVolWithExtraElement, capacity, false);
    ASSERT_TRUE(plain) << plain.error().text();
    EXPECT_EQ(plain->capacity, 1024u);

    auto validated = parseVolDefinition(pool, kVolWithExtraElement, capacity, true);
    ASSERT_FALSE(validated);
    EXPECT_EQ(validated.error().code, ErrorCode::XmlInvalidSchema);
    EXPECT_EQ(validated.error().message, "Unable to validate doc against " + kVolSchemaPath +
                                             "\nElement volume has extra content: bogus\n");
  }
  auto valid =
      parseVolDefinition(pool, "<volume><name>v</name><capacity>1024</capacity><target/></volume>",
                         VolCapacity::RequiredUnlessBacking, true);
  ASSERT_TRUE(valid) << valid.error().text();
  EXPECT_EQ(valid->name, "v");
}

TEST(StorageXml, SchemaDirectoryCanBeChosen) {
  std::string tmpl = fixtures::makeTempDir("virtus-noschema");
  ASSERT_FALSE(tmpl.empty());
  auto r = parsePoolDefinition(
      "<pool type='dir'><name>p</name><target><path>/a</path></target></pool>", true, tmpl);
  auto v = parseVolDefinition(dirPool(), "<volume><name>v</name><capacity>1</capacity></volume>",
                              VolCapacity::Optional, true, tmpl);
  std::filesystem::remove_all(tmpl);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message.rfind("Unable to parse RNG " + tmpl + "/storagepool.rng: ", 0), 0u)
      << r.error().message;
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message.rfind("Unable to parse RNG " + tmpl + "/storagevol.rng: ", 0), 0u)
      << v.error().message;
}

}  // namespace
}  // namespace virtus::storage
