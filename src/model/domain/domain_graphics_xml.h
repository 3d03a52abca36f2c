// Display devices: <graphics type='vnc|spice'> and <video>, parsed and formatted as libvirt
// 9.0 does (virDomainGraphicsDefParseXML, virDomainVideoDefParseXML and their Format) for an
// inactive definition. Other graphics types and video models are refused with
// VIR_ERR_CONFIG_UNSUPPORTED.
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

Result<GraphicsDef> parseGraphicsXml(pugi::xml_node node);
// `secure`: include the password (VIR_DOMAIN_XML_SECURE).
// `inactive`: the definition rather than the running guest (an autoport display's port is
// shown only for the running guest).
void formatGraphicsXml(XmlWriter& w, const GraphicsDef& graphics, bool secure, bool inactive);

Result<VideoDef> parseVideoXml(pugi::xml_node node);
void formatVideoXml(XmlWriter& w, const VideoDef& video);

// The defaults of virDomainVideoDefPostParse for a model: vram (and qxl's ram) when unset,
// sizes rounded up to a power of two, one head.
void applyVideoDefaults(VideoDef& video);

}  // namespace virtus::model
