#include "storage/backends/iscsi/iscsi_sources.h"

#include <gtest/gtest.h>

namespace virtus::storage::iscsi {
namespace {

TEST(IscsiSources, ParsesHostPortAndInitiator) {
  auto spec = parseSourceSpec(
      "<source><host name='192.0.2.7' port='3261'/>"
      "<initiator><iqn name='iqn.2024-01.org.example:me'/></initiator></source>");
  ASSERT_TRUE(spec) << spec.error().message;
  ASSERT_EQ(spec->hosts.size(), 1u);
  EXPECT_EQ(spec->hosts[0].name, "192.0.2.7");
  EXPECT_EQ(spec->hosts[0].port, 3261);
  EXPECT_EQ(spec->initiatorIqn, "iqn.2024-01.org.example:me");
}

TEST(IscsiSources, RefusesAnEmptySpecAndAHostWithoutName) {
  auto empty = parseSourceSpec("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(empty.error().message, "hostname must be specified for iscsi sources");
  auto nameless = parseSourceSpec("<source><host port='3260'/></source>");
  ASSERT_FALSE(nameless);
  EXPECT_EQ(nameless.error().message, "missing storage pool host name");
  auto wrongRoot = parseSourceSpec("<pool/>");
  ASSERT_FALSE(wrongRoot);
  EXPECT_EQ(wrongRoot.error().code, ErrorCode::XmlError);
}

TEST(IscsiSources, FormatsOneSourcePerTargetAsLibvirt) {
  model::PoolSource spec;
  spec.hosts.push_back({"127.0.0.1", 3260});
  spec.initiatorIqn = "iqn.2024-01.org.example:me";
  EXPECT_EQ(formatSourceList(spec, {"iqn.a:one", "iqn.a:two"}),
            "<sources>\n"
            "  <source>\n"
            "    <host name='127.0.0.1' port='3260'/>\n"
            "    <device path='iqn.a:one'/>\n"
            "    <initiator>\n"
            "      <iqn name='iqn.2024-01.org.example:me'/>\n"
            "    </initiator>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='127.0.0.1' port='3260'/>\n"
            "    <device path='iqn.a:two'/>\n"
            "    <initiator>\n"
            "      <iqn name='iqn.2024-01.org.example:me'/>\n"
            "    </initiator>\n"
            "  </source>\n"
            "</sources>\n");
  spec.hosts[0].port.reset();
  spec.initiatorIqn.clear();
  EXPECT_EQ(formatSourceList(spec, {"iqn.a:one"}),
            "<sources>\n"
            "  <source>\n"
            "    <host name='127.0.0.1'/>\n"
            "    <device path='iqn.a:one'/>\n"
            "  </source>\n"
            "</sources>\n");
}

}  // namespace
}  // namespace virtus::storage::iscsi
