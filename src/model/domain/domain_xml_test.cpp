#include "model/domain/domain_xml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "model/domain/domain_validate.h"
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

fsys::path fixturesDir() {
  return fsys::path(VIRTUS_FIXTURES_DIR) / "domain";
}
fsys::path testdataDir() {
  return fsys::path(__FILE__).parent_path() / "testdata";
}

std::string schemaErrors(const std::string& xml) {
  static const Result<SchemaValidator> schema = SchemaValidator::load(kDomainSchema);
  if (!schema)
    return schema.error().text();
  auto valid = schema->validate(xml);
  return valid ? "" : valid.error().text();
}

// Parse, format (with secrets), re-parse, re-format; the output validates against domain.rng and,
// when a golden file recorded from real libvirt exists (testdata/out, see testdata/README.md),
// equals it byte for byte.
void checkCase(const std::string& name, const fsys::path& input) {
  SCOPED_TRACE(name);
  auto def = parseDomainXml(readFile(input));
  ASSERT_TRUE(def) << def.error().text();
  EXPECT_TRUE(validateDomain(*def)) << validateDomain(*def).error().text();
  std::string out = formatDomainXml(*def);
  // Secrets (graphics passwords) are formatted only on request: the full round trip needs it.
  std::string secure = formatDomainXml(*def, kDomainXmlSecure);
  auto again = parseDomainXml(secure);
  ASSERT_TRUE(again) << again.error().text() << "\n" << secure;
  EXPECT_EQ(*again, *def) << secure;
  EXPECT_EQ(formatDomainXml(*again), out);
  EXPECT_EQ(schemaErrors(out), "") << out;
  EXPECT_EQ(schemaErrors(secure), "") << secure;
  fsys::path golden = testdataDir() / "out" / (name + ".xml");
  ASSERT_TRUE(fsys::exists(golden)) << golden;
  EXPECT_EQ(out, readFile(golden));
}

TEST(DomainXmlTest, LibvirtFixturesRoundTripAndMatchLibvirt) {
  int cases = 0;
  for (const auto& entry : fsys::directory_iterator(fixturesDir())) {
    if (entry.path().extension() != ".xml")
      continue;
    checkCase(entry.path().stem().string(), entry.path());
    ++cases;
  }
  EXPECT_GE(cases, 12);
}

TEST(DomainXmlTest, OwnCasesMatchLibvirt) {
  int cases = 0;
  for (const auto& entry : fsys::directory_iterator(testdataDir() / "in")) {
    checkCase(entry.path().stem().string(), entry.path());
    ++cases;
  }
  EXPECT_GE(cases, 9);
}

const char* kMinimal =
    "<domain type='kvm'><name>vm</name><memory unit='MiB'>64</memory>"
    "<os><type arch='x86_64'>hvm</type></os></domain>";

TEST(DomainXmlTest, DefaultsOfAMinimalDefinition) {
  auto def = parseDomainXml(kMinimal);
  ASSERT_TRUE(def) << def.error().text();
  ASSERT_TRUE(def->uuid.has_value());
  EXPECT_FALSE(def->uuid->isNull());
  EXPECT_EQ(def->memoryKiB, 65536u);
  EXPECT_EQ(def->currentMemoryKiB, 65536u);
  std::string expected =
      "<domain type='kvm'>\n"
      "  <name>vm</name>\n"
      "  <uuid>" +
      def->uuid->str() +
      "</uuid>\n"
      "  <memory unit='KiB'>65536</memory>\n"
      "  <currentMemory unit='KiB'>65536</currentMemory>\n"
      "  <vcpu placement='static'>1</vcpu>\n"
      "  <os>\n"
      "    <type arch='x86_64'>hvm</type>\n"
      "    <boot dev='hd'/>\n"
      "  </os>\n"
      "  <clock offset='utc'/>\n"
      "  <on_poweroff>destroy</on_poweroff>\n"
      "  <on_reboot>restart</on_reboot>\n"
      "  <on_crash>destroy</on_crash>\n"
      "  <devices>\n"
      "  </devices>\n"
      "</domain>\n";
  EXPECT_EQ(formatDomainXml(*def), expected);
  // Two parses of a definition without uuid get different ones, as in libvirt.
  auto other = parseDomainXml(kMinimal);
  ASSERT_TRUE(other);
  EXPECT_NE(*other->uuid, *def->uuid);
}

struct BadCase {
  const char* what;
  std::string xml;
  ErrorCode code;
  const char* message;
};

std::string domainWith(const std::string& inner, const std::string& devices = "") {
  return "<domain type='qemu'><name>e</name><memory>1024</memory>" + inner +
         "<os><type>hvm</type></os><devices>" + devices + "</devices></domain>";
}

TEST(DomainXmlTest, BadDefinitionsGiveLibvirtErrors) {
  const BadCase cases[] = {
      {"memory not a number",
       "<domain type='qemu'><name>e</name><memory>abc</memory><os><type>hvm</type></os>"
       "</domain>",
       ErrorCode::XmlError, "Invalid value 'abc' for element or attribute './memory[1]'"},
      {"bad memory unit",
       "<domain type='qemu'><name>e</name><memory unit='XB'>1</memory><os><type>hvm</type>"
       "</os></domain>",
       ErrorCode::InvalidArg, "unknown suffix 'XB'"},
      {"no memory", "<domain type='qemu'><name>e</name><os><type>hvm</type></os></domain>",
       ErrorCode::XmlError,
       "Memory size must be specified via <memory> or in the <numa> configuration"},
      {"no name", "<domain type='qemu'><memory>1</memory><os><type>hvm</type></os></domain>",
       ErrorCode::NoName, ""},
      {"bad uuid", domainWith("<uuid>zz</uuid>"), ErrorCode::InternalError,
       "malformed uuid element"},
      {"unknown domain type",
       "<domain type='bogus'><name>e</name><memory>1</memory><os><type>hvm</type></os>"
       "</domain>",
       ErrorCode::ConfigUnsupported, "invalid domain type bogus"},
      {"vcpu not a number", domainWith("<vcpu>x</vcpu>"), ErrorCode::XmlError,
       "maximum vcpus count must be an integer"},
      {"lease without key",
       domainWith("", "<lease><lockspace>a</lockspace><target path='/l'/></lease>"),
       ErrorCode::XmlError, "Missing 'key' element for lease"},
      {"lease without target",
       domainWith("", "<lease><lockspace>a</lockspace><key>k</key></lease>"), ErrorCode::XmlError,
       "Missing 'target' element for lease"},
      {"lease without lockspace", domainWith("", "<lease><key>k</key><target path='/l'/></lease>"),
       ErrorCode::XmlError, "Missing 'lockspace' element for lease"},
      {"lease offset not a number",
       domainWith("",
                  "<lease><lockspace>a</lockspace><key>k</key><target path='/l' offset='x'/>"
                  "</lease>"),
       ErrorCode::XmlError, "Malformed lease target offset x"},
      {"unknown disk bus",
       domainWith("", "<disk type='file'><target dev='vda' bus='bogus'/></disk>"),
       ErrorCode::XmlError, "Invalid value for attribute 'bus' in element 'target': 'bogus'."},
      {"unknown disk device",
       domainWith("", "<disk type='file' device='x'><target dev='vda'/></disk>"),
       ErrorCode::XmlError, "Invalid value for attribute 'device' in element 'disk': 'x'."},
      {"unknown disk type", domainWith("", "<disk type='x'><target dev='vda'/></disk>"),
       ErrorCode::XmlError, "Invalid value for attribute 'type' in element 'disk': 'x'."},
      {"disk without target", domainWith("", "<disk type='file'><source file='/a'/></disk>"),
       ErrorCode::XmlError, "missing target information for device /a"},
      // What Virtus does not model is refused, never dropped.
      {"hostdev", domainWith("", "<hostdev mode='subsystem' type='pci'/>"),
       ErrorCode::ConfigUnsupported, "element 'hostdev' is not supported by Virtus"},
      {"numatune", domainWith("<numatune/>"), ErrorCode::ConfigUnsupported,
       "element 'numatune' is not supported by Virtus"},
      {"disk iotune",
       domainWith("", "<disk type='file'><source file='/a'/><target dev='vda'/><iotune/></disk>"),
       ErrorCode::ConfigUnsupported, "element 'iotune' is not supported by Virtus"},
      {"driver attribute",
       domainWith("",
                  "<disk type='file'><driver name='qemu' iothread='1'/><source file='/a'/>"
                  "<target dev='vda'/></disk>"),
       ErrorCode::ConfigUnsupported,
       "attribute 'iothread' of element 'driver' is not supported by Virtus"},
      {"xen domain",
       "<domain type='xen'><name>e</name><memory>1</memory><os><type>hvm</type></os></domain>",
       ErrorCode::ConfigUnsupported, "domain type 'xen' is not supported by Virtus"},
      {"nfs protocol",
       domainWith("",
                  "<disk type='network'><source protocol='nfs' name='a'/>"
                  "<target dev='vda'/></disk>"),
       ErrorCode::ConfigUnsupported, "network disk protocol 'nfs' is not supported by Virtus"},
      {"clock timer", domainWith("<clock offset='utc'><timer name='rtc'/></clock>"),
       ErrorCode::ConfigUnsupported, "element 'timer' is not supported by Virtus"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    auto def = parseDomainXml(c.xml);
    ASSERT_FALSE(def) << formatDomainXml(*def);
    EXPECT_EQ(errorCodeName(def.error().code), errorCodeName(c.code)) << def.error().text();
    EXPECT_EQ(def.error().message, c.message);
  }
}

TEST(DomainXmlTest, ValidateRejectsInconsistentDefinitions) {
  auto def =
      parseDomainXml(domainWith("",
                                "<disk type='file'><source file='/a'/><target dev='vda'/></disk>"
                                "<disk type='file'><source file='/b'/><target dev='vda'/></disk>"));
  ASSERT_TRUE(def) << def.error().text();
  auto valid = validateDomain(*def);
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().code, ErrorCode::XmlError);

  auto vcpus = parseDomainXml(domainWith("<vcpu current='3'>2</vcpu>"));
  ASSERT_TRUE(vcpus);
  EXPECT_FALSE(validateDomain(*vcpus));

  auto boot = parseDomainXml(
      "<domain type='qemu'><name>e</name><memory>1</memory><os><type>hvm</type>"
      "<boot dev='hd'/></os><devices><disk type='file'><source file='/a'/>"
      "<target dev='vda'/><boot order='1'/></disk></devices></domain>");
  ASSERT_TRUE(boot);
  auto bootValid = validateDomain(*boot);
  ASSERT_FALSE(bootValid);
  EXPECT_EQ(bootValid.error().message,
            "per-device boot elements cannot be used together with os/boot elements");
}

}  // namespace
}  // namespace virtus::model
