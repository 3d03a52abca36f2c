// Network interfaces: <interface type='user|network|bridge'>, parsed and formatted as
// libvirt 9.0 does (virDomainNetDefParseXML / virDomainNetDefFormat) for an inactive
// definition. Other interface types are refused with VIR_ERR_CONFIG_UNSUPPORTED.
#pragma once

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

// A MAC address "xx:xx:xx:xx:xx:xx" (hex, either case, one or two digits per byte) in
// libvirt's lower-case form; nullopt when malformed.
std::optional<std::string> normaliseMac(std::string_view text);
// A random 52:54:00:xx:xx:xx address (libvirt's default prefix for QEMU guests).
std::string generateMac();

// Generates the MAC address when <mac> is absent.
Result<NetDef> parseNetXml(pugi::xml_node node);
void formatNetXml(XmlWriter& w, const NetDef& net);

}  // namespace virtus::model
