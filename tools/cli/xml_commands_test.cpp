#include "cli/xml_commands.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace virtus::cli {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::vector<std::string>> tsv(const std::string& name) {
  std::ifstream in(std::string(VIRTUS_FIXTURES_DIR) + "/" + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, '\t')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

const std::string kDir = VIRTUS_FIXTURES_DIR;

TEST(XmlCommands, PoolFixtures) {
  auto rows = tsv("pool-xml2xml.tsv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    auto out = formatPoolText(slurp(kDir + "/storagepool/in/" + r[0] + ".xml"));
    ASSERT_TRUE(out) << r[0] << ": " << out.error().text();
    EXPECT_EQ(*out, slurp(kDir + "/storagepool/out/" + r[0] + ".xml")) << r[0];
  }
}

TEST(XmlCommands, VolFixtures) {
  auto rows = tsv("vol-xml2xml.tsv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    ASSERT_GE(r.size(), 3u);
    auto out = formatVolText(slurp(kDir + "/storagepool/in/" + r[0] + ".xml"),
                             slurp(kDir + "/storagevol/in/" + r[1] + ".xml"),
                             r[2] == "no-capacity");
    ASSERT_TRUE(out) << r[1] << ": " << out.error().text();
    EXPECT_EQ(*out, slurp(kDir + "/storagevol/out/" + r[1] + ".xml")) << r[1];
  }
}

TEST(XmlCommands, ArgvFixtures) {
  auto rows = tsv("pool-xml2argv.tsv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    auto out = poolStartArgvText(slurp(kDir + "/storagepool/in/" + r[0] + ".xml"));
    ASSERT_TRUE(out) << r[0] << ": " << out.error().text();
    auto expected = slurp(kDir + "/poolargv/" + r[1]);
    if (!expected.empty() && expected.back() == '\n') expected.pop_back();
    std::string got = *out;
    if (!got.empty() && got.back() == '\n') got.pop_back();
    EXPECT_EQ(got, expected) << r[0];
  }
}

TEST(XmlCommands, DirPoolHasNoStartCommand) {
  auto out = poolStartArgvText(slurp(kDir + "/storagepool/in/pool-dir.xml"));
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
