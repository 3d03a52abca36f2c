#include <gtest/gtest.h>

#include <string>

#include "model/domain/domain_xml.h"

namespace virtus::model {
namespace {

std::string domainWithDevices(const std::string& devices) {
  return "<domain type='kvm'><name>t</name><memory>1024</memory><os><type arch='x86_64'>hvm"
         "</type></os><devices>" +
         devices + "</devices></domain>";
}

std::string devicesOf(const DomainDef& def, unsigned flags = 0) {
  std::string xml = formatDomainXml(def, flags);
  auto begin = xml.find("  <devices>\n");
  auto end = xml.find("  </devices>\n");
  return xml.substr(begin + 12, end - begin - 12);
}

const char* kCirrus =
    "    <video>\n"
    "      <model type='cirrus' vram='16384' heads='1' primary='yes'/>\n"
    "    </video>\n";

TEST(DomainGraphicsXmlTest, PasswordsAreFormattedOnlyWhenSecure) {
  auto def = parseDomainXml(domainWithDevices(
      "<graphics type='vnc' autoport='yes' port='5900' passwd='pw' keymap='de'/>"));
  ASSERT_TRUE(def) << def.error().text();
  EXPECT_EQ(devicesOf(*def),
            std::string("    <graphics type='vnc' port='-1' autoport='yes' keymap='de'>\n"
                        "      <listen type='address'/>\n"
                        "    </graphics>\n") +
                kCirrus);
  EXPECT_EQ(devicesOf(*def, kDomainXmlSecure),
            std::string("    <graphics type='vnc' port='-1' autoport='yes' keymap='de' "
                        "passwd='pw'>\n"
                        "      <listen type='address'/>\n"
                        "    </graphics>\n") +
                kCirrus);
}

TEST(DomainGraphicsXmlTest, VncPortRules) {
  // No port asks for one chosen at start, as does the legacy port='-1'; an explicit port
  // turns autoport off; autoport='yes' forgets the port.
  auto def = parseDomainXml(domainWithDevices(
      "<graphics type='vnc'/><graphics type='vnc' port='-1'/>"
      "<graphics type='vnc' port='5905'/><graphics type='vnc' port='5900' autoport='yes'/>"
      "<graphics type='vnc'><listen type='none'/></graphics>"));
  ASSERT_TRUE(def) << def.error().text();
  ASSERT_EQ(def->graphics.size(), 5u);
  EXPECT_TRUE(def->graphics[0].autoport);
  EXPECT_TRUE(def->graphics[1].autoport);
  EXPECT_EQ(def->graphics[1].port, 0);
  EXPECT_FALSE(def->graphics[2].autoport);
  EXPECT_EQ(def->graphics[2].port, 5905);
  EXPECT_TRUE(def->graphics[3].autoport);
  EXPECT_EQ(def->graphics[3].port, 0);
  EXPECT_FALSE(def->graphics[4].autoport);
  EXPECT_EQ(devicesOf(*def), std::string("    <graphics type='vnc' port='-1' autoport='yes'>\n"
                                         "      <listen type='address'/>\n"
                                         "    </graphics>\n"
                                         "    <graphics type='vnc' port='-1' autoport='yes'>\n"
                                         "      <listen type='address'/>\n"
                                         "    </graphics>\n"
                                         "    <graphics type='vnc' port='5905' autoport='no'>\n"
                                         "      <listen type='address'/>\n"
                                         "    </graphics>\n"
                                         "    <graphics type='vnc' port='-1' autoport='yes'>\n"
                                         "      <listen type='address'/>\n"
                                         "    </graphics>\n"
                                         "    <graphics type='vnc'>\n"
                                         "      <listen type='none'/>\n"
                                         "    </graphics>\n") +
                                 kCirrus);
}

TEST(DomainGraphicsXmlTest, VideoDefaultsAndOrder) {
  auto def = parseDomainXml(domainWithDevices(
      "<video><model type='virtio'/></video><video><model type='vga' vram='3000' heads='0' "
      "primary='yes'/></video><video/>"));
  ASSERT_TRUE(def) << def.error().text();
  // The primary first; vram rounded up to a power of two; heads='0' is "unset" (and is not
  // formatted, so libvirt's own output reads back with one head).
  EXPECT_EQ(devicesOf(*def),
            "    <video>\n"
            "      <model type='vga' vram='4096' primary='yes'/>\n"
            "    </video>\n"
            "    <video>\n"
            "      <model type='virtio' heads='1'/>\n"
            "    </video>\n"
            "    <video>\n"
            "      <model type='cirrus' vram='16384' heads='1'/>\n"
            "    </video>\n");
  auto none = parseDomainXml(domainWithDevices("<video><model type='none'/></video>"));
  ASSERT_TRUE(none);
  EXPECT_EQ(devicesOf(*none),
            "    <video>\n"
            "      <model type='none'/>\n"
            "    </video>\n");
}

struct BadCase {
  const char* what;
  std::string devices;
  ErrorCode code;
  const char* message;
};

TEST(DomainGraphicsXmlTest, BadDevicesGiveLibvirtErrors) {
  const BadCase cases[] = {
      {"graphics type", "<graphics type='bogus'/>", ErrorCode::XmlError,
       "Invalid value for attribute 'type' in element 'graphics': 'bogus'."},
      {"sdl", "<graphics type='sdl'/>", ErrorCode::ConfigUnsupported,
       "graphics type 'sdl' is not supported by Virtus"},
      {"vnc port", "<graphics type='vnc' port='x'/>", ErrorCode::InternalError,
       "cannot parse vnc port x"},
      {"spice port", "<graphics type='spice' port='x'/>", ErrorCode::XmlError,
       "Invalid value for attribute 'port' in element 'graphics': 'x'. Expected integer value"},
      {"spice tlsPort", "<graphics type='spice' tlsPort='x'/>", ErrorCode::XmlError,
       "Invalid value for attribute 'tlsPort' in element 'graphics': 'x'. Expected integer "
       "value"},
      {"listen mismatch",
       "<graphics type='vnc' listen='1.2.3.4'><listen type='address' address='0.0.0.0'/>"
       "</graphics>",
       ErrorCode::ConfigUnsupported,
       "graphics 'listen' attribute '1.2.3.4' must match 'address' attribute of first listen "
       "element (found '0.0.0.0')"},
      {"listen type", "<graphics type='vnc'><listen type='bogus'/></graphics>", ErrorCode::XmlError,
       "Invalid value for attribute 'type' in element 'listen': 'bogus'."},
      {"listen network", "<graphics type='vnc'><listen type='network'/></graphics>",
       ErrorCode::XmlError, "'network' attribute is required for listen type 'network'"},
      {"spice channel", "<graphics type='spice'><channel name='main' mode='secure'/></graphics>",
       ErrorCode::ConfigUnsupported, "element 'channel' is not supported by Virtus"},
      {"video model", "<video><model type='bogus'/></video>", ErrorCode::ConfigUnsupported,
       "unknown video model 'bogus'"},
      {"video vram", "<video><model type='vga' vram='x'/></video>", ErrorCode::XmlError,
       "cannot parse video vram 'x'"},
      {"video heads", "<video><model type='vga' heads='x'/></video>", ErrorCode::InternalError,
       "cannot parse video heads 'x'"},
      {"two primaries",
       "<video><model type='vga' primary='yes'/></video>"
       "<video><model type='vga' primary='yes'/></video>",
       ErrorCode::ConfigUnsupported, "Only one primary video device is supported"},
      {"none not alone", "<video><model type='none'/></video><video><model type='vga'/></video>",
       ErrorCode::ConfigUnsupported,
       "a 'none' video type must be the only video device defined for the domain"},
      {"sound model", "<sound model='bogus'/>", ErrorCode::XmlError,
       "Invalid value for attribute 'model' in element 'sound': 'bogus'."},
      {"sound without model", "<sound/>", ErrorCode::XmlError,
       "Missing required attribute 'model' in element 'sound'"},
      {"sound codec", "<sound model='ich6'><codec type='micro'/></sound>",
       ErrorCode::ConfigUnsupported, "element 'codec' is not supported by Virtus"},
      {"rng model", "<rng model='bogus'><backend model='random'/></rng>",
       ErrorCode::ConfigUnsupported, "unknown RNG model 'bogus'"},
      {"rng without model", "<rng><backend model='random'/></rng>", ErrorCode::XmlError,
       "missing RNG device model"},
      {"rng without backend", "<rng model='virtio'/>", ErrorCode::XmlError,
       "only one RNG backend is supported"},
      {"rng backend model", "<rng model='virtio'><backend model='bogus'/></rng>",
       ErrorCode::ConfigUnsupported, "unknown RNG backend model 'bogus'"},
      {"rng backend without model", "<rng model='virtio'><backend/></rng>", ErrorCode::XmlError,
       "missing RNG device backend model"},
      {"rng egd", "<rng model='virtio'><backend model='egd' type='pty'/></rng>",
       ErrorCode::ConfigUnsupported, "RNG backend model 'egd' is not supported by Virtus"},
      {"rng rate", "<rng model='virtio'><rate bytes='1024'/><backend model='random'/></rng>",
       ErrorCode::ConfigUnsupported, "element 'rate' is not supported by Virtus"},
      // libvirt 9.0 does not know the itco model (it came in 9.2).
      {"watchdog itco", "<watchdog model='itco'/>", ErrorCode::ConfigUnsupported,
       "unknown watchdog model 'itco'"},
      {"watchdog without model", "<watchdog/>", ErrorCode::InternalError,
       "watchdog must contain model name"},
      {"watchdog action", "<watchdog model='i6300esb' action='bogus'/>",
       ErrorCode::ConfigUnsupported, "unknown watchdog action 'bogus'"},
      {"two watchdogs", "<watchdog model='i6300esb' action='dump'/><watchdog model='ib700'/>",
       ErrorCode::InternalError, "only a single watchdog device is supported"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    auto def = parseDomainXml(domainWithDevices(c.devices));
    ASSERT_FALSE(def) << formatDomainXml(*def);
    EXPECT_EQ(errorCodeName(def.error().code), errorCodeName(c.code)) << def.error().text();
    EXPECT_EQ(def.error().message, c.message);
  }
}

}  // namespace
}  // namespace virtus::model
