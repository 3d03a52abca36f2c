#include "cli/xml_commands.h"

#include <gtest/gtest.h>

#include "support/fixtures.h"

namespace virtus::cli {
namespace {

std::string slurp(const std::string& relative) {
  return fixtures::readFile(fixtures::fixturePath(relative));
}

std::vector<std::vector<std::string>> tsv(const std::string& name) {
  return fixtures::readTsv(fixtures::fixturePath(name));
}

TEST(XmlCommands, PoolFixtures) {
  auto rows = tsv("pool-xml2xml.tsv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    auto out = formatPoolText(slurp("storagepool/in/" + r[0] + ".xml"));
    ASSERT_TRUE(out) << r[0] << ": " << out.error().text();
    EXPECT_EQ(*out, slurp("storagepool/out/" + r[0] + ".xml")) << r[0];
  }
}

TEST(XmlCommands, VolFixtures) {
  auto rows = tsv("vol-xml2xml.tsv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    ASSERT_GE(r.size(), 3u);
    auto out = formatVolText(slurp("storagepool/in/" + r[0] + ".xml"),
                             slurp("storagevol/in/" + r[1] + ".xml"), r[2] == "no-capacity");
    ASSERT_TRUE(out) << r[1] << ": " << out.error().text();
    EXPECT_EQ(*out, slurp("storagevol/out/" + r[1] + ".xml")) << r[1];
  }
}

TEST(XmlCommands, ArgvFixtures) {
  auto cases = fixtures::poolArgvCases();
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    auto out = poolStartArgvText(c.xml);
    ASSERT_TRUE(out) << c.name << ": " << out.error().text();
    EXPECT_EQ(fixtures::withoutFinalNewline(*out), c.argv) << c.name;
  }
}

TEST(XmlCommands, DirPoolHasNoStartCommand) {
  auto out = poolStartArgvText(slurp("storagepool/in/pool-dir.xml"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "storage pool type 'dir' has no start command");
}

TEST(XmlCommands, MalformedPoolIsAnXmlError) {
  auto out = formatPoolText("<pool type='dir'><name>x</name>");
  ASSERT_FALSE(out);
  EXPECT_FALSE(out.error().text().empty());
}

}  // namespace
}  // namespace virtus::cli
