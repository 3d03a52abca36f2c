#include "cli/pool_define_as.h"

#include <gtest/gtest.h>

#include "cli/command_support.h"
#include "cli/vol_xml_args.h"

namespace virtus::cli {
namespace {

// Expected XML is what `virsh pool-define-as ... --print-xml` (libvirt 9.0) prints.
TEST(BuildPoolXml, AllSourceOptionsInVirshOrder) {
  PoolAsArgs a;
  a.name = "p";
  a.type = "netfs";
  a.sourceHost = "h1";
  a.sourcePath = "/exp";
  a.sourceDev = "/dev/x";
  a.sourceName = "nm";
  a.target = "/t";
  a.sourceFormat = "nfs";
  a.authType = "chap";
  a.authUsername = "u";
  a.secretUsage = "us";
  a.adapterName = "host0";
  a.sourceProtocolVer = "3";
  a.sourceInitiator = "iqn.x";
  EXPECT_EQ(*buildPoolXml(a),
            "<pool type='netfs'>\n"
            "  <name>p</name>\n"
            "  <source>\n"
            "    <host name='h1'/>\n"
            "    <dir path='/exp'/>\n"
            "    <device path='/dev/x'/>\n"
            "    <initiator>\n"
            "      <iqn name='iqn.x'/>\n"
            "    </initiator>\n"
            "    <adapter type='scsi_host' name='host0'/>\n"
            "    <auth type='chap' username='u'>\n"
            "      <secret usage='us'/>\n"
            "    </auth>\n"
            "    <format type='nfs'/>\n"
            "    <name>nm</name>\n"
            "    <protocol ver='3'/>\n"
            "  </source>\n"
            "  <target>\n"
            "    <path>/t</path>\n"
            "  </target>\n"
            "</pool>\n");
}

TEST(BuildPoolXml, FcHostParentChoice) {
  PoolAsArgs a;
  a.name = "p";
  a.type = "scsi";
  a.adapterWwnn = "1";
  a.adapterWwpn = "2";
  a.adapterParentWwnn = "3";
  a.adapterParentFabricWwn = "5";
  a.adapterName = "nn";
  EXPECT_EQ(*buildPoolXml(a),
            "<pool type='scsi'>\n  <name>p</name>\n  <source>\n"
            "    <adapter type='fc_host' parent_fabric_wwn='5' wwnn='1' wwpn='2'/>\n"
            "  </source>\n</pool>\n");
  a.adapterParentWwpn = "4";
  EXPECT_NE(buildPoolXml(a)->find("parent_wwnn='3' parent_wwpn='4' wwnn='1'"), std::string::npos);
  a.adapterParent = "host1";
  EXPECT_NE(buildPoolXml(a)->find("<adapter type='fc_host' parent='host1' wwnn='1' wwpn='2'/>"),
            std::string::npos);
}

TEST(BuildPoolXml, IncompleteAuthAndLoneOptionsAreDropped) {
  PoolAsArgs a;
  a.name = "p";
  a.type = "dir";
  a.authType = "chap";
  a.authUsername = "u";
  a.sourceProtocolVer = "4";  // without another source element: no <source>, as virsh
  a.adapterWwnn = "1";        // fc_host needs both wwnn and wwpn
  EXPECT_EQ(*buildPoolXml(a), "<pool type='dir'>\n  <name>p</name>\n</pool>\n");
}

TEST(BuildPoolXml, SecretUsageAndUuidExclusive) {
  PoolAsArgs a;
  a.name = "p";
  a.type = "dir";
  a.secretUsage = "x";
  a.secretUuid = "y";
  auto r = buildPoolXml(a);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Options --secret-usage and --secret-uuid are mutually exclusive");
}

TEST(BuildVolXml, MatchesVirshPrintXml) {
  VolAsArgs a;
  a.name = "v1";
  EXPECT_EQ(buildVolXml(a, 1048576, 0, std::nullopt),
            "<volume>\n  <name>v1</name>\n  <capacity>1048576</capacity>\n"
            "  <allocation>0</allocation>\n</volume>\n");
  a.format = "qcow2";
  a.backingVolFormat = "raw";
  EXPECT_EQ(buildVolXml(a, 5, std::nullopt, std::string("/p/base")),
            "<volume>\n  <name>v1</name>\n  <capacity>5</capacity>\n"
            "  <target>\n    <format type='qcow2'/>\n  </target>\n"
            "  <backingStore>\n    <path>/p/base</path>\n    <format type='raw'/>\n"
            "  </backingStore>\n</volume>\n");
}

TEST(RenameVolXml, ReplacesOnlyTheVolumeName) {
  auto r = renameVolXml(
      "<volume type='file'>\n  <name>v1</name>\n  <target>\n    <path>/p/v1</path>\n"
      "  </target>\n</volume>\n",
      "a&b");
  ASSERT_TRUE(r);
  EXPECT_NE(r->find("<name>a&amp;b</name>"), std::string::npos);
  EXPECT_NE(r->find("<path>/p/v1</path>"), std::string::npos);
  EXPECT_FALSE(renameVolXml("<volume/>", "x"));
  EXPECT_FALSE(renameVolXml("<volume", "x"));
}

TEST(VolSize, ScaledIntegersAsVirsh) {
  EXPECT_EQ(*parseVolSizeText("1G"), 1073741824u);
  EXPECT_EQ(*parseVolSizeText("10M"), 10485760u);
  EXPECT_EQ(*parseVolSizeText("512"), 512u);
  EXPECT_EQ(*parseVolSizeText("1KB"), 1000u);
  auto bad = parseVolSizeText("10X");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().text(), "invalid argument: unknown suffix 'X'");
  EXPECT_FALSE(parseVolSizeText("abc"));
  EXPECT_FALSE(parseVolSizeText("-5"));
  EXPECT_FALSE(parseVolSizeText("99999999999E"));
}

}  // namespace
}  // namespace virtus::cli
