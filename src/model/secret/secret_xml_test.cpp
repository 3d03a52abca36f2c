// Expected outputs and messages were produced by libvirt 9.0's libvirtd (secretDefineXML
// then virSecretGetXMLDesc through python3-libvirt).
#include "model/secret/secret_xml.h"

#include <gtest/gtest.h>

#include "model/secret/secret_usage_name.h"
#include "model/secret/secret_validate.h"

namespace virtus::model {
namespace {

Error parseError(std::string_view xml) {
  auto def = parseSecretXml(xml);
  EXPECT_FALSE(def) << xml;
  if (def)
    return {};
  return def.error();
}

// Parses, then formats with the UUID from the input.
std::string roundTrip(std::string_view xml) {
  auto def = readSecretXml(xml);
  EXPECT_TRUE(def) << (def ? "" : def.error().message);
  if (!def)
    return {};
  EXPECT_TRUE(def->uuid.has_value());
  return formatSecretXml(*def);
}

TEST(SecretXmlTest, VolumeUsageWithEscapedDescription) {
  EXPECT_EQ(roundTrip("<secret ephemeral='no' private='no'>"
                      "<uuid>11111111-2222-3333-4444-555555555555</uuid>"
                      "<description>a &lt;b&gt; &amp; 'q' \"dq\"</description>"
                      "<usage type='volume'><volume>/var/lib/x.img</volume></usage></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>11111111-2222-3333-4444-555555555555</uuid>\n"
            "  <description>a &lt;b&gt; &amp; &apos;q&apos; &quot;dq&quot;</description>\n"
            "  <usage type='volume'>\n"
            "    <volume>/var/lib/x.img</volume>\n"
            "  </usage>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, CephUsage) {
  EXPECT_EQ(roundTrip("<secret><uuid>3c3d1cd4-3b4d-430b-9bee-8424ba44d651</uuid>"
                      "<usage type='ceph'><name>client.admin secret</name></usage></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>3c3d1cd4-3b4d-430b-9bee-8424ba44d651</uuid>\n"
            "  <usage type='ceph'>\n"
            "    <name>client.admin secret</name>\n"
            "  </usage>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, IscsiUsagePrivate) {
  EXPECT_EQ(roundTrip("<secret private='yes'><uuid>b3cf5cda-e82c-4261-aab9-8eb82f7c577d</uuid>"
                      "<usage type='iscsi'><target>libvirtiscsi</target></usage></secret>"),
            "<secret ephemeral='no' private='yes'>\n"
            "  <uuid>b3cf5cda-e82c-4261-aab9-8eb82f7c577d</uuid>\n"
            "  <usage type='iscsi'>\n"
            "    <target>libvirtiscsi</target>\n"
            "  </usage>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, TlsUsageEphemeral) {
  EXPECT_EQ(roundTrip("<secret ephemeral='yes'><uuid>2c9f3c08-9f57-4a90-bacf-25e4be586a2e</uuid>"
                      "<usage type='tls'><name>tlsname</name></usage></secret>"),
            "<secret ephemeral='yes' private='no'>\n"
            "  <uuid>2c9f3c08-9f57-4a90-bacf-25e4be586a2e</uuid>\n"
            "  <usage type='tls'>\n"
            "    <name>tlsname</name>\n"
            "  </usage>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, VtpmUsage) {
  EXPECT_EQ(roundTrip("<secret><uuid>acf8d750-adc6-4505-b54d-489509dbd24e</uuid>"
                      "<usage type='vtpm'><name>VTPM_example</name></usage></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>acf8d750-adc6-4505-b54d-489509dbd24e</uuid>\n"
            "  <usage type='vtpm'>\n"
            "    <name>VTPM_example</name>\n"
            "  </usage>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, NoneUsageIsNotFormattedAndUuidMayHaveSpaces) {
  EXPECT_EQ(roundTrip("<secret><uuid>  aaaaaaaabbbbccccddddeeeeeeeeeeee  </uuid>"
                      "<usage type='none'/></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee</uuid>\n"
            "</secret>\n");
  EXPECT_EQ(roundTrip("<secret><uuid>\n 33333333-2222-3333-4444-555555555555 </uuid></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>33333333-2222-3333-4444-555555555555</uuid>\n"
            "</secret>\n");
  EXPECT_EQ(roundTrip("<secret><uuid>ABCDEF01-2222-3333-4444-555555555555</uuid></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>abcdef01-2222-3333-4444-555555555555</uuid>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, DescriptionKeepsWhiteSpaceAndTakesTheFirst) {
  EXPECT_EQ(roundTrip("<secret><uuid>cf813b7d-cea6-47cd-825d-29f9001783af</uuid>"
                      "<description>  line1\n  line2 </description>"
                      "<description>second</description></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>cf813b7d-cea6-47cd-825d-29f9001783af</uuid>\n"
            "  <description>  line1\n  line2 </description>\n"
            "</secret>\n");
  EXPECT_EQ(roundTrip("<secret><uuid>2319d937-6dc9-42c2-adc8-dd30cf3ef1c2</uuid>"
                      "<description>a<b>c</b>d</description></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>2319d937-6dc9-42c2-adc8-dd30cf3ef1c2</uuid>\n"
            "  <description>acd</description>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, UsageIdKeepsWhiteSpaceAndFirstUsageWins) {
  EXPECT_EQ(roundTrip("<secret><uuid>88ab3e91-360f-4843-8df4-dd3ce73051e1</uuid>"
                      "<usage type='iscsi'><target> t x </target></usage></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>88ab3e91-360f-4843-8df4-dd3ce73051e1</uuid>\n"
            "  <usage type='iscsi'>\n"
            "    <target> t x </target>\n"
            "  </usage>\n"
            "</secret>\n");
  EXPECT_EQ(roundTrip("<secret><uuid>2d7861a5-78f0-44b5-8281-6ec4be3596df</uuid>"
                      "<usage type='iscsi'><target>t1</target></usage>"
                      "<usage type='ceph'><name>c1</name></usage></secret>"),
            "<secret ephemeral='no' private='no'>\n"
            "  <uuid>2d7861a5-78f0-44b5-8281-6ec4be3596df</uuid>\n"
            "  <usage type='iscsi'>\n"
            "    <target>t1</target>\n"
            "  </usage>\n"
            "</secret>\n");
}

TEST(SecretXmlTest, ParsedFields) {
  auto def = parseSecretXml(
      "<secret ephemeral='yes' private='yes'><description>d</description>"
      "<usage type='ceph'><name>n</name></usage><bogus/></secret>");
  ASSERT_TRUE(def) << def.error().message;
  EXPECT_FALSE(def->uuid.has_value());
  EXPECT_TRUE(def->isEphemeral);
  EXPECT_TRUE(def->isPrivate);
  EXPECT_EQ(def->description, "d");
  EXPECT_EQ(def->usageType, SecretUsageType::Ceph);
  EXPECT_EQ(def->usageId, "n");
}

TEST(SecretXmlTest, EmptyUuidAndEmptyAttributesCountAsAbsent) {
  auto def = parseSecretXml("<secret ephemeral='' private=''><uuid></uuid></secret>");
  ASSERT_TRUE(def) << def.error().message;
  EXPECT_FALSE(def->uuid.has_value());
  EXPECT_FALSE(def->isEphemeral);
  EXPECT_FALSE(def->isPrivate);
}

struct ErrorCase {
  const char* xml;
  ErrorCode code;
  ErrorDomain domain;
  const char* message;
};

TEST(SecretXmlTest, ErrorsAsLibvirtReportsThem) {
  const ErrorCase cases[] = {
      {"<secret><usage type='volume'/></secret>", ErrorCode::InternalError, ErrorDomain::Secret,
       "volume usage specified, but volume path is missing"},
      {"<secret><usage type='volume'><volume></volume></usage></secret>", ErrorCode::InternalError,
       ErrorDomain::Secret, "volume usage specified, but volume path is missing"},
      {"<secret><usage type='ceph'/></secret>", ErrorCode::InternalError, ErrorDomain::Secret,
       "Ceph usage specified, but name is missing"},
      {"<secret><usage type='iscsi'/></secret>", ErrorCode::InternalError, ErrorDomain::Secret,
       "iSCSI usage specified, but target is missing"},
      {"<secret><usage type='tls'/></secret>", ErrorCode::InternalError, ErrorDomain::Secret,
       "TLS usage specified, but name is missing"},
      {"<secret><usage type='vtpm'/></secret>", ErrorCode::InternalError, ErrorDomain::Secret,
       "vTPM usage specified, but name is missing"},
      {"<secret><usage type='bogus'/></secret>", ErrorCode::ConfigUnsupported, ErrorDomain::Secret,
       "unknown secret usage type bogus"},
      {"<secret><usage/></secret>", ErrorCode::XmlError, ErrorDomain::Secret,
       "unknown secret usage type"},
      {"<secret><usage type=''/></secret>", ErrorCode::XmlError, ErrorDomain::Secret,
       "unknown secret usage type"},
      {"<secret><uuid>not-a-uuid</uuid></secret>", ErrorCode::InternalError, ErrorDomain::Secret,
       "malformed uuid element"},
      {"<secret ephemeral='true'/>", ErrorCode::XmlError, ErrorDomain::Secret,
       "invalid value of 'ephemeral'"},
      {"<secret private='1'/>", ErrorCode::XmlError, ErrorDomain::Secret,
       "invalid value of 'private'"},
      {"<secret private='YES'/>", ErrorCode::XmlError, ErrorDomain::Secret,
       "invalid value of 'private'"},
      {"<pool/>", ErrorCode::XmlError, ErrorDomain::Xml,
       "expecting root element of 'secret', not 'pool'"},
  };
  for (const auto& c : cases) {
    Error e = parseError(c.xml);
    EXPECT_EQ(e.code, c.code) << c.xml;
    EXPECT_EQ(e.domain, c.domain) << c.xml;
    EXPECT_EQ(e.message, c.message) << c.xml;
  }
}

TEST(SecretXmlTest, AttributeErrorsComeBeforeUuidAndUsageErrors) {
  // libvirt reads ephemeral, private, uuid, then usage.
  EXPECT_EQ(
      parseError("<secret private='x'><uuid>bad</uuid><usage type='bogus'/></secret>").message,
      "invalid value of 'private'");
  EXPECT_EQ(parseError("<secret><uuid>bad</uuid><usage type='bogus'/></secret>").message,
            "malformed uuid element");
}

TEST(SecretXmlTest, MalformedXmlIsAnXmlDetailInTheSecretDomain) {
  Error e = parseError("<secret><uuid>");
  EXPECT_EQ(e.code, ErrorCode::XmlDetail);
  EXPECT_EQ(e.domain, ErrorDomain::Secret);
  EXPECT_EQ(e.message.rfind("(definition_of_secret):1: ", 0), 0u) << e.message;
}

// libxml2's own message for an empty input (the reader re-parses syntax errors with it).
TEST(SecretXmlTest, EmptyDocumentIsReportedAsLibvirtDoes) {
  Error empty = parseError("");
  EXPECT_EQ(empty.code, ErrorCode::XmlDetail);
  EXPECT_EQ(empty.message.rfind("(definition_of_secret):1: Document is empty", 0), 0u)
      << empty.message;
}

TEST(SecretValidateTest, UsageIdRules) {
  SecretDef def;
  def.uuid = Uuid::generate();
  EXPECT_TRUE(validateSecret(def));
  def.usageType = SecretUsageType::Tls;
  auto missing = validateSecret(def);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "TLS usage specified, but name is missing");
  def.usageId = "x";
  EXPECT_TRUE(validateSecret(def));
  def.usageType = SecretUsageType::None;
  EXPECT_FALSE(validateSecret(def));
  def.usageType = static_cast<SecretUsageType>(9);
  auto unknown = validateSecret(def);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unexpected secret usage type 9");
}

TEST(SecretUsageNameTest, NamesBothWays) {
  for (int i = 0; i <= 5; ++i) {
    auto type = static_cast<SecretUsageType>(i);
    auto name = secretUsageTypeName(type);
    ASSERT_FALSE(name.empty());
    EXPECT_EQ(secretUsageTypeFromName(name), type);
  }
  EXPECT_EQ(secretUsageTypeName(SecretUsageType::Iscsi), "iscsi");
  EXPECT_FALSE(secretUsageTypeFromName("Ceph"));
  EXPECT_FALSE(isKnownSecretUsageType(6));
  EXPECT_FALSE(isKnownSecretUsageType(-1));
}

}  // namespace
}  // namespace virtus::model
