// Support code for the volume tests (named *_test.cpp so that it only joins the test
// executable), with a check that the schema validation can fail.
#include "model/storage/vol_test_support.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <fstream>
#include <sstream>

#include "model/storage/pool_type_name.h"
#include "model/xml/schema_validator.h"

namespace virtus::model::testing {

std::string readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<PoolDef> poolWithTypeOf(const std::string& path) {
  pugi::xml_document doc;
  if (!doc.load_file(path.c_str()))
    return std::nullopt;
  auto type = poolTypeFromName(doc.document_element().attribute("type").value());
  if (!type)
    return std::nullopt;
  PoolDef pool;
  pool.type = *type;
  pool.name = doc.document_element().child("name").child_value();
  return pool;
}

std::string storageVolSchemaErrors(const std::string& xml) {
  // Compiled once for all cases; validation does not change it.
  static const Result<SchemaValidator> schema = SchemaValidator::load("storagevol.rng");
  if (!schema)
    return schema.error().text();
  auto valid = schema->validate(xml);
  return valid ? "" : valid.error().text();
}

TEST(VolTestSupport, SchemaValidationRejectsInvalidVolume) {
  EXPECT_EQ(storageVolSchemaErrors("<volume><name>a</name><target/></volume>\n"), "");
  EXPECT_NE(storageVolSchemaErrors("<volume><name>a</name><bogus/><target/></volume>\n"), "");
}

TEST(VolTestSupport, PoolTypeIsReadFromPoolFile) {
  auto pool = poolWithTypeOf(std::string(VIRTUS_FIXTURES_DIR) + "/storagepool/in/pool-disk.xml");
  ASSERT_TRUE(pool.has_value());
  EXPECT_EQ(pool->type, PoolType::Disk);
}

}  // namespace virtus::model::testing
