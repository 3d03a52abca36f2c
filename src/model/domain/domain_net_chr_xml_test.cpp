#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "model/domain/domain_net_xml.h"
#include "model/domain/domain_validate.h"
#include "model/domain/domain_xml.h"

namespace virtus::model {
namespace {

std::string domainWithDevices(const std::string& devices) {
  return "<domain type='kvm'><name>t</name><memory>1024</memory><os><type arch='x86_64'>hvm"
         "</type></os><devices>" +
         devices + "</devices></domain>";
}

// The <devices> part of the formatted definition.
std::string devicesOf(const DomainDef& def) {
  std::string xml = formatDomainXml(def);
  auto begin = xml.find("  <devices>\n");
  auto end = xml.find("  </devices>\n");
  return xml.substr(begin + 12, end - begin - 12);
}

TEST(DomainNetXmlTest, MacAddressesAreNormalisedOrGenerated) {
  EXPECT_EQ(normaliseMac("52:54:00:AB:cd:1"), "52:54:00:ab:cd:01");
  EXPECT_EQ(normaliseMac("52-54-00-00-00-01"), std::nullopt);
  EXPECT_EQ(normaliseMac("52:54:00:00:00"), std::nullopt);
  EXPECT_EQ(normaliseMac("52:54:00:00:00:001"), std::nullopt);
  EXPECT_EQ(normaliseMac("52:54:00:00:00:0g"), std::nullopt);

  const std::regex generated("52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}");
  auto def =
      parseDomainXml(domainWithDevices("<interface type='user'/><interface><mac/></interface>"));
  ASSERT_TRUE(def) << def.error().text();
  ASSERT_EQ(def->nets.size(), 2u);
  EXPECT_TRUE(std::regex_match(def->nets[0].mac, generated)) << def->nets[0].mac;
  EXPECT_TRUE(std::regex_match(def->nets[1].mac, generated)) << def->nets[1].mac;
  EXPECT_EQ(def->nets[1].type, "user");
  // A generated address is kept by format and re-parse.
  auto again = parseDomainXml(formatDomainXml(*def));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->nets, def->nets);
}

TEST(DomainNetXmlTest, DriverChosenTargetNamesAreForgotten) {
  auto def = parseDomainXml(domainWithDevices(
      "<interface type='user'><mac address='52:54:00:00:00:01'/><target dev='vnet3'/>"
      "</interface>"
      "<interface type='user'><mac address='52:54:00:00:00:02'/><target dev='macvtap0'/>"
      "</interface>"
      "<interface type='user'><mac address='52:54:00:00:00:03'/><target dev=''/>"
      "<model type=''/></interface>"));
  ASSERT_TRUE(def) << def.error().text();
  EXPECT_EQ(devicesOf(*def),
            "    <interface type='user'>\n"
            "      <mac address='52:54:00:00:00:01'/>\n"
            "    </interface>\n"
            "    <interface type='user'>\n"
            "      <mac address='52:54:00:00:00:02'/>\n"
            "    </interface>\n"
            "    <interface type='user'>\n"
            "      <mac address='52:54:00:00:00:03'/>\n"
            "      <target dev=''/>\n"
            "    </interface>\n");
}

TEST(DomainChrXmlTest, ASerialConsoleMirrorsTheFirstSerialPort) {
  // No console: one is added; a pty path is live state and is dropped.
  auto def = parseDomainXml(domainWithDevices(
      "<serial type='pty'><source path='/dev/pts/3'/></serial>"
      "<console type='file'><source path='/ignored'/><target type='serial'/></console>"));
  ASSERT_TRUE(def) << def.error().text();
  EXPECT_EQ(devicesOf(*def),
            "    <serial type='pty'>\n"
            "      <target port='0'/>\n"
            "    </serial>\n"
            "    <console type='pty'>\n"
            "      <target type='serial' port='0'/>\n"
            "    </console>\n");
  auto lone = parseDomainXml(domainWithDevices("<serial/>"));
  ASSERT_TRUE(lone);
  EXPECT_EQ(devicesOf(*lone), devicesOf(*def));
  // Serial ports without a port number come after the highest given one.
  auto ports = parseDomainXml(
      domainWithDevices("<serial/><serial/><serial><target port='3'/></serial><serial/>"));
  ASSERT_TRUE(ports);
  ASSERT_EQ(ports->serials.size(), 4u);
  EXPECT_EQ(ports->serials[0].port, 4u);
  EXPECT_EQ(ports->serials[1].port, 5u);
  EXPECT_EQ(ports->serials[2].port, 3u);
  EXPECT_EQ(ports->serials[3].port, 6u);
  ASSERT_EQ(ports->consoles.size(), 1u);
  EXPECT_EQ(ports->consoles[0].port, 4u);
  // A virtio console's port is its position when parsed, before the serial console is put
  // in front of it; libvirt's own output therefore reads back with another port.
  auto shifted = parseDomainXml(
      domainWithDevices("<console type='pty'><target type='virtio'/></console><serial/>"));
  ASSERT_TRUE(shifted) << shifted.error().text();
  ASSERT_EQ(shifted->consoles.size(), 2u);
  EXPECT_EQ(shifted->consoles[0].targetType, "serial");
  EXPECT_EQ(shifted->consoles[1].port, 0u);
  auto reread = parseDomainXml(formatDomainXml(*shifted));
  ASSERT_TRUE(reread);
  EXPECT_EQ(reread->consoles[1].port, 1u);
  // Virtio consoles are numbered by position and need a virtio-serial controller.
  auto virtio = parseDomainXml(
      domainWithDevices("<console type='pty'><target type='virtio' port='7'/></console>"
                        "<console type='pty'><target type='virtio'/></console>"));
  ASSERT_TRUE(virtio);
  EXPECT_EQ(devicesOf(*virtio),
            "    <controller type='virtio-serial' index='0'/>\n"
            "    <console type='pty'>\n"
            "      <target type='virtio' port='0'/>\n"
            "    </console>\n"
            "    <console type='pty'>\n"
            "      <target type='virtio' port='1'/>\n"
            "    </console>\n");
}

struct BadCase {
  const char* what;
  std::string devices;
  ErrorCode code;
  const char* message;
};

TEST(DomainNetChrXmlTest, BadDevicesGiveLibvirtErrors) {
  const BadCase cases[] = {
      {"interface type", "<interface type='bogus'/>", ErrorCode::XmlError,
       "Invalid value for attribute 'type' in element 'interface': 'bogus'."},
      {"unmodelled interface type", "<interface type='direct'/>", ErrorCode::ConfigUnsupported,
       "interface type 'direct' is not supported by Virtus"},
      {"bad mac", "<interface type='user'><mac address='zz'/></interface>", ErrorCode::XmlError,
       "unable to parse mac address 'zz'"},
      {"multicast mac", "<interface type='user'><mac address='01:00:00:00:00:01'/></interface>",
       ErrorCode::XmlError, "expected unicast mac address, found multicast '01:00:00:00:00:01'"},
      {"network without source", "<interface type='network'/>", ErrorCode::XmlError,
       "interface type='network' requires a 'source' element"},
      {"bridge without source", "<interface type='bridge'/>", ErrorCode::XmlError,
       "interface type='bridge' requires a 'source' element"},
      {"source without network", "<interface type='network'><source/></interface>",
       ErrorCode::XmlError, "Missing required attribute 'network' in element 'source'"},
      {"source without bridge", "<interface type='bridge'><source/></interface>",
       ErrorCode::XmlError, "Missing required attribute 'bridge' in element 'source'"},
      {"model characters", "<interface type='user'><model type='foo bar'/></interface>",
       ErrorCode::InvalidArg, "Model name contains invalid characters"},
      {"boot order zero", "<interface type='user'><boot order='0'/></interface>",
       ErrorCode::XmlError,
       "Invalid value for attribute 'order' in element 'boot': Zero is not permitted"},
      {"boot order text", "<interface type='user'><boot order='x'/></interface>",
       ErrorCode::XmlError,
       "Invalid value for attribute 'order' in element 'boot': 'x'. Expected non-negative "
       "integer value"},
      {"disk boot order text",
       "<disk type='file'><source file='/a'/><target dev='vda'/><boot order='x'/></disk>",
       ErrorCode::XmlError,
       "Invalid value for attribute 'order' in element 'boot': 'x'. Expected non-negative "
       "integer value"},
      {"interface filterref",
       "<interface type='network'><source network='n'/><filterref filter='f'/></interface>",
       ErrorCode::ConfigUnsupported, "element 'filterref' is not supported by Virtus"},
      {"unix without path", "<serial type='unix'/>", ErrorCode::InternalError,
       "Missing source path attribute for char device"},
      {"file without path", "<serial type='file'/>", ErrorCode::InternalError,
       "Missing source path attribute for char device"},
      {"unknown chr type", "<serial type='bogus'/>", ErrorCode::ConfigUnsupported,
       "unknown type presented to host for character device: bogus"},
      {"unmodelled chr type", "<serial type='tcp'/>", ErrorCode::ConfigUnsupported,
       "character device type 'tcp' is not supported by Virtus"},
      {"bad append", "<serial type='file'><source path='/a' append='x'/></serial>",
       ErrorCode::XmlError, "Invalid value for attribute 'append' in element 'source': 'x'."},
      {"bad mode", "<serial type='unix'><source path='/a' mode='x'/></serial>", ErrorCode::XmlError,
       "Invalid value for attribute 'mode' in element 'source': 'x'."},
      {"channel without target type", "<channel type='pty'/>", ErrorCode::XmlError,
       "target type must be specified for channel device"},
      {"channel target type", "<channel type='pty'><target type='bogus'/></channel>",
       ErrorCode::ConfigUnsupported, "unknown target type 'bogus' specified for character device"},
      {"serial target type", "<serial type='pty'><target type='bogus'/></serial>",
       ErrorCode::ConfigUnsupported, "unknown target type 'bogus' specified for character device"},
      {"console target type", "<console type='pty'><target type='bogus'/></console>",
       ErrorCode::ConfigUnsupported, "unknown target type 'bogus' specified for character device"},
      {"isa port", "<serial type='pty'><target type='isa-serial' port='5'/></serial>",
       ErrorCode::InternalError, "Maximum supported number of ISA serial ports is '4'"},
      {"fifth isa port",
       "<serial><target type='isa-serial'/></serial><serial><target type='isa-serial'/></serial>"
       "<serial><target type='isa-serial'/></serial><serial><target type='isa-serial'/></serial>"
       "<serial><target type='isa-serial'/></serial>",
       ErrorCode::InternalError, "Maximum supported number of ISA serial ports is '4'"},
      {"serial target model",
       "<serial type='pty'><target type='isa-serial'><model name='bogus'/></target></serial>",
       ErrorCode::ConfigUnsupported, "unknown target model 'bogus' specified for character device"},
      {"empty mac", "<interface type='user'><mac address=''/></interface>", ErrorCode::XmlError,
       "unable to parse mac address ''"},
      {"serial port", "<serial type='pty'><target port='x'/></serial>", ErrorCode::XmlError,
       "Invalid port number: x"},
      {"second serial console",
       "<console type='pty'><target type='virtio'/></console><console type='pty'/>"
       "<serial type='pty'/>",
       ErrorCode::ConfigUnsupported, "Only the first console can be a serial port"},
      {"guestfwd channel",
       "<channel type='unix'><source path='/a'/><target type='guestfwd' address='10.0.2.1' "
       "port='4600'/></channel>",
       ErrorCode::ConfigUnsupported, "channel target type 'guestfwd' is not supported by Virtus"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    auto def = parseDomainXml(domainWithDevices(c.devices));
    ASSERT_FALSE(def) << formatDomainXml(*def);
    EXPECT_EQ(errorCodeName(def.error().code), errorCodeName(c.code)) << def.error().text();
    EXPECT_EQ(def.error().message, c.message);
  }
}

TEST(DomainNetXmlTest, BootOrdersAreUniqueAcrossDisksAndInterfaces) {
  auto def = parseDomainXml(domainWithDevices(
      "<disk type='file'><source file='/a'/><target dev='vda'/><boot order='1'/></disk>"
      "<interface type='user'><mac address='52:54:00:00:00:03'/><boot order='1'/></interface>"));
  ASSERT_TRUE(def) << def.error().text();
  EXPECT_TRUE(def->os.bootDevs.empty());
  auto valid = validateDomain(*def);
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(valid.error().message, "boot order '1' used for more than one device");
}

}  // namespace
}  // namespace virtus::model
