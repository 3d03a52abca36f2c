#include "model/xml/schema_validator.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace virtus::model {
namespace {

namespace fsys = std::filesystem;

// Expected texts are libvirt 9.0's (virsh -c test:///default "pool-define --validate F"):
// the schema path on the first line, then libxml2's messages, each ending in a newline.
const std::string kPoolSchemaPath = std::string(kLibvirtSchemaDir) + "/storagepool.rng";
const std::string kVolSchemaPath = std::string(kLibvirtSchemaDir) + "/storagevol.rng";

const char* kValidPool =
    "<pool type='dir'>\n"
    "  <name>images</name>\n"
    "  <uuid>11111111-2222-3333-4444-555555555555</uuid>\n"
    "  <target><path>/var/lib/images</path></target>\n"
    "</pool>\n";
const char* kPoolWithExtraElement =
    "<pool type='dir'>\n"
    "  <name>images</name>\n"
    "  <target><path>/var/lib/images</path></target>\n"
    "  <bogus/>\n"
    "</pool>\n";
const char* kValidVol =
    "<volume>\n"
    "  <name>disk.qcow2</name>\n"
    "  <capacity unit='G'>1</capacity>\n"
    "  <target><format type='qcow2'/></target>\n"
    "</volume>\n";
const char* kVolWithExtraElement =
    "<volume>\n"
    "  <name>disk.qcow2</name>\n"
    "  <capacity unit='G'>1</capacity>\n"
    "  <target><path>/x</path></target>\n"
    "  <sparkles/>\n"
    "</volume>\n";

using fixtures::TempDir;

// A small schema of our own, in two files: <box> holds one <item> with a numeric value.
const char* kBoxSchema =
    "<grammar xmlns='http://relaxng.org/ns/structure/1.0'\n"
    "         datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'>\n"
    "  <include href='item.rng'/>\n"
    "  <start><element name='box'><ref name='item'/></element></start>\n"
    "</grammar>\n";
const char* kItemSchema =
    "<grammar xmlns='http://relaxng.org/ns/structure/1.0'\n"
    "         datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'>\n"
    "  <define name='item'><element name='item'><data type='unsignedInt'/></element></define>\n"
    "</grammar>\n";

TEST(SchemaValidator, AcceptsValidPoolAndVolume) {
  auto pool = SchemaValidator::load("storagepool.rng");
  ASSERT_TRUE(pool) << pool.error().text();
  EXPECT_EQ(pool->schemaPath(), kPoolSchemaPath);
  auto r = pool->validate(kValidPool);
  EXPECT_TRUE(r) << r.error().text();

  auto vol = SchemaValidator::load("storagevol.rng", kLibvirtSchemaDir);
  ASSERT_TRUE(vol) << vol.error().text();
  auto v = vol->validate(kValidVol);
  EXPECT_TRUE(v) << v.error().text();
}

TEST(SchemaValidator, RefusesUnknownPoolElementAsLibvirt) {
  auto pool = SchemaValidator::load("storagepool.rng");
  ASSERT_TRUE(pool) << pool.error().text();
  auto r = pool->validate(kPoolWithExtraElement);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(static_cast<int>(r.error().code), 92);
  EXPECT_EQ(r.error().domain, ErrorDomain::Xml);
  EXPECT_EQ(r.error().message, "Unable to validate doc against " + kPoolSchemaPath +
                                   "\nElement pool has extra content: bogus\n");
  EXPECT_EQ(r.error().text(),
            "XML document failed to validate against schema: Unable to validate doc against " +
                kPoolSchemaPath + "\nElement pool has extra content: bogus\n");
}

TEST(SchemaValidator, RefusesUnknownVolumeElementNamingIt) {
  auto vol = SchemaValidator::load("storagevol.rng");
  ASSERT_TRUE(vol) << vol.error().text();
  auto r = vol->validate(kVolWithExtraElement);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(r.error().domain, ErrorDomain::Xml);
  EXPECT_EQ(r.error().message, "Unable to validate doc against " + kVolSchemaPath +
                                   "\nElement volume has extra content: sparkles\n");
}

TEST(SchemaValidator, CollectsEveryMessageInOrder) {
  // libvirt 9.0 reports these three lines for an unknown element before <target>.
  auto r = validateAgainstSchema(
      "<pool type='dir'>\n  <name>p1</name>\n  <bogus/>\n"
      "  <target><path>/tmp/p1</path></target>\n</pool>\n",
      "storagepool.rng");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Unable to validate doc against " + kPoolSchemaPath +
                                   "\nExpecting an element target, got nothing\n"
                                   "Invalid sequence in interleave\n"
                                   "Element pool failed to validate content\n");
}

TEST(SchemaValidator, OneValidatorServesManyDocuments) {
  auto pool = SchemaValidator::load("storagepool.rng");
  ASSERT_TRUE(pool);
  // Messages of one call do not leak into the next.
  ASSERT_FALSE(pool->validate(kPoolWithExtraElement));
  EXPECT_TRUE(pool->validate(kValidPool));
  auto again = pool->validate(kPoolWithExtraElement);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "Unable to validate doc against " + kPoolSchemaPath +
                                       "\nElement pool has extra content: bogus\n");
}

TEST(SchemaValidator, ValidatesFromSeveralThreads) {
  auto pool = SchemaValidator::load("storagepool.rng");
  ASSERT_TRUE(pool);
  const SchemaValidator& shared = *pool;
  std::vector<int> goodOk(4, 0), badRefused(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (shared.validate(kValidPool))
          ++goodOk[t];
        auto bad = shared.validate(kPoolWithExtraElement);
        if (!bad && bad.error().message.find("extra content: bogus\n") != std::string::npos &&
            bad.error().message.find("Expecting") == std::string::npos) {
          ++badRefused[t];
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(goodOk[t], 25);
    EXPECT_EQ(badRefused[t], 25);
  }
}

TEST(SchemaValidator, MovedValidatorKeepsWorking) {
  auto loaded = SchemaValidator::load("storagevol.rng");
  ASSERT_TRUE(loaded);
  SchemaValidator moved = std::move(*loaded);
  EXPECT_EQ(moved.schemaPath(), kVolSchemaPath);
  EXPECT_TRUE(moved.validate(kValidVol));
  EXPECT_FALSE(moved.validate(kVolWithExtraElement));
}

TEST(SchemaValidator, MissingSchemaIsAnInternalErrorNamingThePath) {
  TempDir dir;
  std::string path = dir.path() + "/storagepool.rng";
  auto r = SchemaValidator::load("storagepool.rng", dir.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().domain, ErrorDomain::Xml);
  EXPECT_EQ(r.error().message,
            "Unable to parse RNG " + path + ": xmlRelaxNGParse: could not load " + path);

  auto once = validateAgainstSchema(kValidPool, "storagepool.rng", dir.path());
  ASSERT_FALSE(once);
  EXPECT_EQ(once.error().code, ErrorCode::InternalError);
}

TEST(SchemaValidator, SchemaDirectoryIsAParameterAndIncludesResolveInIt) {
  TempDir dir;
  dir.write("box.rng", kBoxSchema);
  dir.write("item.rng", kItemSchema);
  // A trailing slash on the directory is accepted.
  auto box = SchemaValidator::load("box.rng", dir.path() + "/");
  ASSERT_TRUE(box) << box.error().text();
  EXPECT_EQ(box->schemaPath(), dir.path() + "/box.rng");
  EXPECT_TRUE(box->validate("<box><item>42</item></box>"));
  auto r = box->validate("<box><item>forty-two</item></box>");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_EQ(
      r.error().message.rfind("Unable to validate doc against " + dir.path() + "/box.rng\n", 0), 0u)
      << r.error().message;
  EXPECT_NE(r.error().message.find("item"), std::string::npos) << r.error().message;
}

TEST(SchemaValidator, MissingIncludedSchemaFailsToLoad) {
  TempDir dir;
  dir.write("box.rng", kBoxSchema);
  auto box = SchemaValidator::load("box.rng", dir.path());
  ASSERT_FALSE(box);
  EXPECT_EQ(box.error().code, ErrorCode::InternalError);
  EXPECT_EQ(box.error().message.rfind("Unable to parse RNG " + dir.path() + "/box.rng: ", 0), 0u)
      << box.error().message;
  EXPECT_NE(box.error().message.find("item.rng"), std::string::npos) << box.error().message;
}

TEST(SchemaValidator, MalformedSchemaFailsToLoad) {
  TempDir dir;
  dir.write("broken.rng", "<grammar xmlns='http://relaxng.org/ns/structure/1.0'><start>");
  auto r = SchemaValidator::load("broken.rng", dir.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message.rfind("Unable to parse RNG " + dir.path() + "/broken.rng: ", 0), 0u)
      << r.error().message;
}

TEST(SchemaValidator, MalformedDocumentIsAnXmlError) {
  auto pool = SchemaValidator::load("storagepool.rng");
  ASSERT_TRUE(pool);
  auto r = pool->validate("<pool type='dir'><name>x</name>");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlDetail);
  EXPECT_EQ(r.error().domain, ErrorDomain::Xml);
  EXPECT_NE(r.error().message.find(kPoolSchemaPath), std::string::npos);
}

TEST(SchemaValidator, ExternalEntitiesAreNotLoaded) {
  TempDir dir;
  dir.write("secret.txt", "images");
  // With entity loading, the name would be read from the file and the pool would be valid.
  std::string xml = "<!DOCTYPE pool [<!ENTITY n SYSTEM '" + dir.path() +
                    "/secret.txt'>]>\n<pool type='dir'><name>&n;</name>"
                    "<target><path>/a</path></target></pool>";
  auto pool = SchemaValidator::load("storagepool.rng");
  ASSERT_TRUE(pool);
  auto r = pool->validate(xml);
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace virtus::model
