// Character devices: <serial>, <console> and <channel> with pty, file and unix sources,
// parsed and formatted as libvirt 9.0 does (virDomainChrDefParseXML / virDomainChrDefFormat)
// for an inactive definition. Other source types, and channel targets other than virtio,
// are refused with VIR_ERR_CONFIG_UNSUPPORTED.
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

enum class ChrKind { Serial, Console, Channel };

// `index` is the device's position among its siblings of the same kind (a console's port).
Result<ChrDef> parseChrXml(pugi::xml_node node, ChrKind kind, unsigned index);
void formatChrXml(XmlWriter& w, const ChrDef& chr, ChrKind kind);

}  // namespace virtus::model
