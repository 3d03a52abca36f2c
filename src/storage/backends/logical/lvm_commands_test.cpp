#include "storage/backends/logical/lvm_commands.h"

#include <gtest/gtest.h>

#include "model/storage/pool_xml.h"
#include "support/fixtures.h"

namespace virtus::storage::logical {
namespace {

TEST(LvmCommands, LibvirtVgchangeArgvFixtures) {
  int cases = 0;
  for (const auto& c : fixtures::poolArgvCases()) {
    auto def = model::readPoolXml(c.xml);
    ASSERT_TRUE(def) << c.name;
    if (def->type != model::PoolType::Logical)
      continue;
    ++cases;
    EXPECT_EQ(buildVgchangeCommand(*def, true).toArgvText(), c.argv) << c.name;
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
