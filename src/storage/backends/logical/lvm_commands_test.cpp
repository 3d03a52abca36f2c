#include "storage/backends/logical/lvm_commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/storage/pool_xml.h"

namespace virtus::storage::logical {
namespace {

namespace fsys = std::filesystem;

std::string readFile(const fsys::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(LvmCommands, LibvirtVgchangeArgvFixtures) {
  fsys::path dir = VIRTUS_FIXTURES_DIR;
  std::istringstream lines(readFile(dir / "pool-xml2argv.tsv"));
  int cases = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    std::string pool = line.substr(0, line.find('\t'));
    std::string argv = line.substr(line.find('\t') + 1);
    auto def = model::readPoolXml(readFile(dir / "storagepool/in" / (pool + ".xml")));
    ASSERT_TRUE(def) << pool;
    if (def->type != model::PoolType::Logical)
      continue;
    ++cases;
    std::string expected = readFile(dir / "poolargv" / argv);
    if (!expected.empty() && expected.back() == '\n')
      expected.pop_back();
    EXPECT_EQ(buildVgchangeCommand(*def, true).toArgvText(), expected) << pool;
  }
  EXPECT_EQ(cases, 3);
}

TEST(LvmCommands, DeactivateUsesSourceName) {
  auto def = model::readPoolXml(
      "<pool type='logical'><name>pool</name><source><name>vg0</name></source></pool>");
  ASSERT_TRUE(def) << def.error().message;
  os::Command cmd = buildVgchangeCommand(*def, false);
  EXPECT_EQ(cmd.program, "vgchange");
  EXPECT_EQ(cmd.args, (std::vector<std::string>{"-aln", "vg0"}));
}

}  // namespace
}  // namespace virtus::storage::logical
