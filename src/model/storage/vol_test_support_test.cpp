// Support code for the volume tests (named *_test.cpp so that it only joins the test
// executable), with a check that the schema validation can fail.
#include "model/storage/vol_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <pugixml.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/storage/pool_type_name.h"

namespace virtus::model::testing {

namespace {
// Where Debian's libvirt-daemon-driver packages install libvirt's RelaxNG schemas.
constexpr const char* kSchemaDir = "/usr/share/libvirt/schemas";
}  // namespace

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
  std::string tmpl = (std::filesystem::temp_directory_path() / "volxml-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    return "cannot create a temporary directory";
  std::filesystem::path dir(tmpl);
  std::filesystem::path file = dir / "volume.xml";
  {
    std::ofstream out(file, std::ios::binary);
    out << xml;
  }
  std::string command = std::string("xmllint --noout --relaxng ") + kSchemaDir +
                        "/storagevol.rng '" + file.string() + "' 2>&1";
  std::string output;
  int status = -1;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 512> buf;
    while (std::fgets(buf.data(), buf.size(), pipe))
      output += buf.data();
    status = pclose(pipe);
  }
  std::filesystem::remove_all(dir);
  if (status == 0)
    return "";
  return output.empty() ? "xmllint failed to run" : output;
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
