#include "model/storage/pool_xml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/storage/pool_type_traits.h"
#include "model/xml/schema_validator.h"

namespace virtus::model {
namespace {

namespace fsys = std::filesystem;

std::string readFile(const fsys::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> tsvNames(const fsys::path& tsv) {
  std::vector<std::string> names;
  std::istringstream lines(readFile(tsv));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    names.push_back(line.substr(0, line.find('\t')));
  }
  return names;
}

// Validates against libvirt's storagepool.rng; "" when valid, the error otherwise.
std::string schemaErrors(const std::string& xml) {
  // Compiled once for all cases; validation does not change it.
  static const Result<SchemaValidator> schema = SchemaValidator::load("storagepool.rng");
  if (!schema)
    return schema.error().text();
  auto valid = schema->validate(xml);
  return valid ? "" : valid.error().text();
}

// Parse, format, compare, validate against the schema, re-parse: one failure per case.
// With `sameDefinition`, the re-parsed output must give an equal PoolDef; without (inputs
// with elements libvirt drops), it must at least format the same again.
void checkRoundTrip(const std::string& name, const std::string& in, const std::string& expected,
                    bool sameDefinition = true) {
  auto def = parsePoolXml(in);
  if (!def) {
    ADD_FAILURE() << name << ": parse failed: " << def.error().message;
    return;
  }
  std::string out = formatPoolXml(*def);
  if (out != expected) {
    ADD_FAILURE() << name << ": formatted output differs\n--- expected\n"
                  << expected << "--- actual\n"
                  << out;
    return;
  }
  std::string errors = schemaErrors(out);
  if (!errors.empty()) {
    ADD_FAILURE() << name << ": output does not validate against storagepool.rng:\n" << errors;
    return;
  }
  auto again = parsePoolXml(out);
  if (!again) {
    ADD_FAILURE() << name << ": re-parse failed: " << again.error().message;
  } else if (sameDefinition && !(*again == *def)) {
    ADD_FAILURE() << name << ": re-parsed definition differs from the first parse";
  } else if (formatPoolXml(*again) != expected) {
    ADD_FAILURE() << name << ": re-parsed definition formats differently";
  }
}

TEST(PoolXml, LibvirtFixturesFormatByteForByte) {
  fsys::path dir = VIRTUS_FIXTURES_DIR;
  auto names = tsvNames(dir / "pool-xml2xml.tsv");
  ASSERT_GE(names.size(), 20u);
  for (const std::string& name : names) {
    checkRoundTrip(name, readFile(dir / "storagepool/in" / (name + ".xml")),
                   readFile(dir / "storagepool/out" / (name + ".xml")));
  }
}

TEST(PoolXml, ExtraCasesFormatAsLibvirt) {
  fsys::path dir = fsys::path(VIRTUS_SOURCE_DIR) / "src/model/storage/testdata/pool";
  int cases = 0;
  for (const auto& entry : fsys::directory_iterator(dir)) {
    if (entry.path().extension() != ".xml")
      continue;
    fsys::path out = entry.path();
    out.replace_extension(".out");
    checkRoundTrip(entry.path().stem().string(), readFile(entry.path()), readFile(out),
                   /*sameDefinition=*/false);
    ++cases;
  }
  EXPECT_GE(cases, 17);
}

TEST(PoolXml, SchemaCheckIsAvailable) {
  EXPECT_EQ(schemaErrors("<pool type='dir'><name>a</name><target><path>/a</path></target></pool>"),
            "");
  // The check itself must be able to fail.
  EXPECT_NE(schemaErrors("<pool type='dir'><bogus/></pool>"), "");
}

TEST(PoolXml, MissingUuidIsGenerated) {
  const char* xml = "<pool type='dir'><name>a</name><target><path>/a</path></target></pool>";
  auto first = parsePoolXml(xml);
  auto second = parsePoolXml(xml);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(first->uuid.isNull());
  EXPECT_NE(first->uuid, second->uuid);
}

TEST(PoolXml, RuntimeValuesAndFreeExtentsAreNotParsed) {
  auto def = parsePoolXml(
      "<pool type='disk'><name>sda</name><capacity unit='G'>5</capacity>"
      "<allocation>7</allocation><available>9</available>"
      "<source><device path='/dev/sda'><freeExtent start='1' end='2'/></device></source>"
      "<target><path>/dev</path></target></pool>");
  ASSERT_TRUE(def) << def.error().message;
  EXPECT_EQ(def->capacity, 0u);
  EXPECT_EQ(def->allocation, 0u);
  EXPECT_EQ(def->available, 0u);
  ASSERT_EQ(def->source.devices.size(), 1u);
  EXPECT_TRUE(def->source.devices[0].freeExtents.empty());
  EXPECT_EQ(def->source.format, "unknown");
}

TEST(PoolXml, FreeExtentsAndRuntimeValuesAreFormatted) {
  auto def = parsePoolXml(
      "<pool type='disk'><name>sda</name><uuid>e3509a62-1b4c-e20b-94bd-9168963f9b97</uuid>"
      "<source><device path='/dev/sda'/><format type='dos'/></source>"
      "<target><path>/dev</path></target></pool>");
  ASSERT_TRUE(def);
  def->capacity = 100027630080;
  def->allocation = 100027597824;
  def->source.devices[0].freeExtents = {{370137600, 567544320}, {987033600, 1044610560}};
  // libvirt's virStoragePoolSourceFormat writes free extents inside <device>.
  EXPECT_EQ(formatPoolXml(*def),
            "<pool type='disk'>\n"
            "  <name>sda</name>\n"
            "  <uuid>e3509a62-1b4c-e20b-94bd-9168963f9b97</uuid>\n"
            "  <capacity unit='bytes'>100027630080</capacity>\n"
            "  <allocation unit='bytes'>100027597824</allocation>\n"
            "  <available unit='bytes'>0</available>\n"
            "  <source>\n"
            "    <device path='/dev/sda'>\n"
            "      <freeExtent start='370137600' end='567544320'/>\n"
            "      <freeExtent start='987033600' end='1044610560'/>\n"
            "    </device>\n"
            "    <format type='dos'/>\n"
            "  </source>\n"
            "  <target>\n"
            "    <path>/dev</path>\n"
            "  </target>\n"
            "</pool>\n");
}

TEST(PoolXml, SecretTypeIsKept) {
  // From virsh -c test:///default pool-define + pool-dumpxml (libvirt 9.0).
  auto def = parsePoolXml(
      "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/>"
      "<auth type='chap' username='u'><secret type='iscsi' usage='x'/></auth></source>"
      "<target><path>/a</path></target></pool>");
  ASSERT_TRUE(def) << def.error().message;
  EXPECT_EQ(def->source.authSecretType, "iscsi");
  EXPECT_NE(formatPoolXml(*def).find("      <secret type='iscsi' usage='x'/>\n"),
            std::string::npos);
}

TEST(PoolXml, NameValuesAreNotTrimmedAndNameComesFromSource) {
  auto spaced =
      parsePoolXml("<pool type='dir'><name> a </name><target><path>/x/</path></target></pool>");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->name, " a ");
  EXPECT_EQ(spaced->target.path, "/x");
  auto logical = parsePoolXml("<pool type='logical'><source><name>vg</name></source></pool>");
  ASSERT_TRUE(logical) << logical.error().message;
  EXPECT_EQ(logical->name, "vg");
  EXPECT_EQ(logical->target.path, "/dev/vg");
}

TEST(PoolXml, PortZeroMeansNoPort) {
  auto def = parsePoolXml(
      "<pool type='netfs'><name>a</name><source><host name='h' port='0'/><dir path='/x'/>"
      "</source><target><path>/x</path></target></pool>");
  ASSERT_TRUE(def);
  EXPECT_FALSE(def->source.hosts[0].port.has_value());
}

struct BadCase {
  const char* name;
  const char* xml;
  ErrorCode code;
  const char* message;  // substring
};

// Messages and codes as libvirt 9.0 reports them (checked with virsh -c test:///default
// pool-define; "XML error:" is VIR_ERR_XML_ERROR, "unsupported configuration:" is
// VIR_ERR_CONFIG_UNSUPPORTED, "internal error:" VIR_ERR_INTERNAL_ERROR, "this function is
// not supported" VIR_ERR_NO_SUPPORT).
const BadCase kBadCases[] = {
    {"malformed", "<pool type='dir'><name>a</name>", ErrorCode::XmlDetail,
     "(storage_pool_definition):1:"},
    {"wrong root", "<bogus/>", ErrorCode::XmlError,
     "expecting root element of 'pool', not 'bogus'"},
    {"no type", "<pool><name>a</name><target><path>/a</path></target></pool>", ErrorCode::XmlError,
     "Missing required attribute 'type' in element 'pool'"},
    {"unknown type", "<pool type='bogus'><name>x</name></pool>", ErrorCode::XmlError,
     "Invalid value for attribute 'type' in element 'pool': 'bogus'."},
    {"missing name", "<pool type='dir'><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "missing pool source name element"},
    {"empty name", "<pool type='dir'><name></name><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "missing pool source name element"},
    {"slash in name", "<pool type='dir'><name>a/b</name><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "name a/b cannot contain '/'"},
    {"bad uuid",
     "<pool type='dir'><name>a</name><uuid>123</uuid><target><path>/d</path></target></pool>",
     ErrorCode::XmlError, "malformed uuid element"},
    {"no target path", "<pool type='dir'><name>a</name></pool>", ErrorCode::XmlError,
     "missing storage pool target path"},
    {"fs no device", "<pool type='fs'><name>a</name><target><path>/x</path></target></pool>",
     ErrorCode::XmlError, "missing storage pool source device name"},
    {"disk no device", "<pool type='disk'><name>a</name><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "missing storage pool source device name"},
    {"device without path",
     "<pool "
     "type='fs'><name>a</name><source><device/></source><target><path>/x</path></target></pool>",
     ErrorCode::XmlError, "missing storage pool source device path"},
    {"netfs no host",
     "<pool type='netfs'><name>a</name><source><dir "
     "path='/x'/></source><target><path>/x</path></target></pool>",
     ErrorCode::XmlError, "missing storage pool source host name"},
    {"host without name",
     "<pool type='netfs'><name>a</name><source><host/><dir "
     "path='/x'/></source><target><path>/x</path></target></pool>",
     ErrorCode::XmlError, "missing storage pool host name"},
    {"netfs no dir",
     "<pool type='netfs'><name>a</name><source><host "
     "name='h'/></source><target><path>/x</path></target></pool>",
     ErrorCode::XmlError, "missing storage pool source path"},
    {"bad port",
     "<pool type='dir'><name>a</name><source><host name='h' "
     "port='abc'/></source><target><path>/a</path></target></pool>",
     ErrorCode::XmlError,
     "Invalid value for attribute 'port' in element 'host': 'abc'. Expected integer value"},
    {"bad format",
     "<pool type='fs'><name>a</name><source><device path='/dev/x'/><format "
     "type='zfs'/></source><target><path>/x</path></target></pool>",
     ErrorCode::ConfigUnsupported, "unknown pool format type zfs"},
    {"protocol with cifs",
     "<pool type='netfs'><name>a</name><source><host name='h'/><dir path='/x'/><format "
     "type='cifs'/><protocol ver='3'/></source><target><path>/x</path></target></pool>",
     ErrorCode::ConfigUnsupported, "storage pool protocol ver unsupported for pool type 'cifs'"},
    {"rbd without source name",
     "<pool type='rbd'><name>a</name><source><host name='h'/></source></pool>", ErrorCode::XmlError,
     "element 'name' is mandatory for RBD pool"},
    {"refresh allocation",
     "<pool type='rbd'><name>a</name><source><name>r</name><host "
     "name='h'/></source><refresh><volume allocation='foo'/></refresh></pool>",
     ErrorCode::ConfigUnsupported, "unknown storage pool volume refresh allocation type foo"},
    {"cow on logical",
     "<pool type='logical'><name>a</name><features><cow state='yes'/></features></pool>",
     ErrorCode::NoSupport, "cow feature may only be used for 'fs' and 'dir' pools"},
    {"bad cow state",
     "<pool type='dir'><name>a</name><features><cow "
     "state='maybe'/></features><target><path>/a</path></target></pool>",
     ErrorCode::XmlError, "Invalid value for attribute 'state' in element 'cow': 'maybe'."},
    {"iscsi-direct without iqn",
     "<pool type='iscsi-direct'><name>a</name><source><host name='h'/><device "
     "path='iqn.x'/></source></pool>",
     ErrorCode::ConfigUnsupported, "missing initiator IQN"},
    {"bad part_separator",
     "<pool type='disk'><name>a</name><source><device path='/dev/sda' "
     "part_separator='x'/></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "Invalid value for attribute 'part_separator' in element 'device': 'x'."},
    {"auth without username",
     "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/><auth "
     "type='chap'><secret usage='f'/></auth></source><target><path>/a</path></target></pool>",
     ErrorCode::XmlError, "missing username for auth"},
    {"auth bad type",
     "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/><auth type='bad' "
     "username='u'><secret usage='f'/></auth></source><target><path>/a</path></target></pool>",
     ErrorCode::ConfigUnsupported, "unknown auth type 'bad'"},
    {"auth without type",
     "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/><auth "
     "username='u'><secret usage='f'/></auth></source><target><path>/a</path></target></pool>",
     ErrorCode::ConfigUnsupported, "storage pool missing auth type"},
    {"auth without secret",
     "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/><auth type='chap' "
     "username='u'></auth></source><target><path>/a</path></target></pool>",
     ErrorCode::XmlError, "Missing <secret> element in auth"},
    {"secret bad uuid",
     "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/><auth type='chap' "
     "username='u'><secret uuid='zzz'/></auth></source><target><path>/a</path></target></pool>",
     ErrorCode::XmlError, "invalid secret uuid 'zzz'"},
    {"secret without reference",
     "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/><auth type='chap' "
     "username='u'><secret/></auth></source><target><path>/a</path></target></pool>",
     ErrorCode::XmlError, "missing secret uuid or usage attribute"},
    {"secret with both",
     "<pool type='iscsi'><name>a</name><source><host name='h'/><device path='d'/><auth type='chap' "
     "username='u'><secret uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87' "
     "usage='x'/></auth></source><target><path>/a</path></target></pool>",
     ErrorCode::XmlError, "either secret uuid or usage expected"},
    {"scsi without adapter",
     "<pool type='scsi'><name>a</name><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "missing storage pool source adapter"},
    {"adapter type default",
     "<pool type='scsi'><name>a</name><source><adapter type='default' "
     "name='host0'/></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "Invalid value for attribute 'type' in element 'adapter': 'default'."},
    {"legacy adapter with wwnn",
     "<pool type='scsi'><name>a</name><source><adapter wwnn='x' "
     "name='h'/></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError,
     "Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'"},
    {"parentaddr without unique_id",
     "<pool type='scsi'><name>a</name><source><adapter type='scsi_host'><parentaddr><address "
     "domain='0' bus='0' slot='0' "
     "function='0'/></parentaddr></adapter></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "Missing or invalid scsi adapter 'unique_id' value"},
    {"parentaddr without address",
     "<pool type='scsi'><name>a</name><source><adapter type='scsi_host'><parentaddr "
     "unique_id='1'/></adapter></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "Missing scsi_host PCI address element"},
    {"bad pci domain",
     "<pool type='scsi'><name>a</name><source><adapter type='scsi_host'><parentaddr "
     "unique_id='1'><address domain='x' bus='0' slot='0' "
     "function='0'/></parentaddr></adapter></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError,
     "Invalid value for attribute 'domain' in element 'address': 'x'. Expected non-negative "
     "integer value"},
    {"pci bus too large",
     "<pool type='scsi'><name>a</name><source><adapter type='scsi_host'><parentaddr "
     "unique_id='1'><address domain='0' bus='0x100' slot='0' "
     "function='0'/></parentaddr></adapter></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "Invalid PCI address bus='0x100', must be <= 0xFF"},
    {"pci function too large",
     "<pool type='scsi'><name>a</name><source><adapter type='scsi_host'><parentaddr "
     "unique_id='3'><address domain='0x1' bus='2' slot='3' "
     "function='10'/></parentaddr></adapter></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "Invalid PCI address function=0xa, must be <= 7"},
    {"scsi_host name and parent",
     "<pool type='scsi'><name>a</name><source><adapter type='scsi_host' name='host0'><parentaddr "
     "unique_id='1'><address domain='0' bus='0' slot='0' "
     "function='0'/></parentaddr></adapter></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError,
     "Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter"},
    {"fc_host without wwpn",
     "<pool type='scsi'><name>a</name><source><adapter type='fc_host' "
     "wwnn='20000000c9831b4b'/></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError, "'wwnn' and 'wwpn' must be specified for adapter type 'fchost'"},
    {"fc_host malformed wwn",
     "<pool type='scsi'><name>a</name><source><adapter type='fc_host' wwnn='123' "
     "wwpn='10000000c9831b4b'/></source><target><path>/a</path></target></pool>",
     ErrorCode::InternalError, "Malformed wwn: 123"},
    {"fc_host parent_wwnn alone",
     "<pool type='scsi'><name>a</name><source><adapter type='fc_host' "
     "parent_wwnn='20000000c9831b4b' wwnn='20000000c9831b4b' "
     "wwpn='10000000c9831b4b'/></source><target><path>/dev</path></target></pool>",
     ErrorCode::XmlError,
     "when providing parent_wwnn='20000000c9831b4b', the parent_wwpn must also be provided"},
    {"fc_host bad managed",
     "<pool type='scsi'><name>a</name><source><adapter type='fc_host' managed='perhaps' wwnn='123' "
     "wwpn='10000000c9831b4b'/></source><target><path>/a</path></target></pool>",
     ErrorCode::XmlError, "Invalid value for attribute 'managed' in element 'adapter': 'perhaps'."},
    {"fs mount option without name",
     "<pool type='fs' "
     "xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'><name>a</name><source><device "
     "path='/d'/></source><target><path>/x</path></target><fs:mount_opts><fs:option/></"
     "fs:mount_opts></pool>",
     ErrorCode::XmlError, "no fs mount option name specified"},
    {"rbd option without value",
     "<pool type='rbd' "
     "xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'><name>a</name><source><name>r</"
     "name><host name='h'/></source><rbd:config_opts><rbd:option "
     "name='k'/></rbd:config_opts></pool>",
     ErrorCode::XmlError, "no rbd option value specified for name 'k'"},
    {"rbd option empty name",
     "<pool type='rbd' "
     "xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'><name>a</name><source><name>r</"
     "name><host name='h'/></source><rbd:config_opts><rbd:option name='' "
     "value='v'/></rbd:config_opts></pool>",
     ErrorCode::XmlError, "empty rbd option name specified"},
};

TEST(PoolXml, InvalidDefinitionsAreRefusedAsLibvirt) {
  for (const BadCase& c : kBadCases) {
    auto def = parsePoolXml(c.xml);
    if (def) {
      ADD_FAILURE() << c.name << ": accepted";
      continue;
    }
    const Error& e = def.error();
    if (e.code != c.code || e.message.find(c.message) == std::string::npos) {
      ADD_FAILURE() << c.name << ": got " << errorCodeName(e.code) << " '" << e.message
                    << "', want " << errorCodeName(c.code) << " containing '" << c.message << "'";
    }
  }
}

TEST(PoolXml, LibvirtAcceptsTheseOddities) {
  // All accepted by libvirt 9.0 (virsh -c test:///default pool-define).
  const char* accepted[] = {
      // negative port on a type that ignores hosts
      "<pool type='dir'><name>a</name><source><host name='h' "
      "port='-5'/></source><target><path>/x</path></target></pool>",
      // a <cow> without state is ignored
      "<pool "
      "type='dir'><name>a</name><features><cow/></features><target><path>/x</path></target></pool>",
      // an all-zero PCI address is not range-checked (function 8)
      "<pool type='scsi'><name>a</name><source><adapter type='scsi_host'><parentaddr "
      "unique_id='1'><address domain='0' bus='0' slot='0' "
      "function='8'/></parentaddr></adapter></source><target><path>/dev</path></target></pool>",
  };
  for (const char* xml : accepted) {
    auto def = parsePoolXml(xml);
    EXPECT_TRUE(def) << xml << ": " << def.error().message;
  }
}

TEST(PoolTypeTraits, TableMatchesLibvirt) {
  EXPECT_EQ(poolTypeTraits(PoolType::Netfs).defaultSourceFormat, "auto");
  EXPECT_EQ(poolTypeTraits(PoolType::Logical).defaultSourceFormat, "lvm2");
  EXPECT_EQ(poolTypeTraits(PoolType::Disk).sourceFormats.size(), 9u);
  EXPECT_EQ(poolTypeTraits(PoolType::Fs).sourceFormats.size(), 14u);
  EXPECT_TRUE(poolTypeTraits(PoolType::Iscsi).sourceDevice);
  EXPECT_FALSE(poolTypeTraits(PoolType::Iscsi).requiresDevice);
  EXPECT_EQ(poolTypeTraits(PoolType::Gluster).targetPath, PoolTargetPath::None);
  EXPECT_EQ(poolTypeTraits(PoolType::Zfs).targetPath, PoolTargetPath::ZvolSourceName);
  EXPECT_EQ(poolTypeTraits(PoolType::Rbd).nsUri, kRbdNamespaceUri);
  EXPECT_EQ(poolTypeTraits(PoolType::Dir).nsPrefix, "");
  for (int i = 0; i < kPoolTypeCount; ++i) {
    EXPECT_EQ(poolTypeTraits(static_cast<PoolType>(i)).type, static_cast<PoolType>(i));
  }
}

}  // namespace
}  // namespace virtus::model
