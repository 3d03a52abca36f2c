// The simple device elements: <controller>, <input> and <memballoon>, parsed and formatted
// as libvirt 9.0 does (virDomainControllerDefParseXML / Format and friends).
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

Result<ControllerDef> parseControllerXml(pugi::xml_node node);
void formatControllerXml(XmlWriter& w, const ControllerDef& controller);

Result<InputDef> parseInputXml(pugi::xml_node node);
void formatInputXml(XmlWriter& w, const InputDef& input);

Result<MemballoonDef> parseMemballoonXml(pugi::xml_node node);
void formatMemballoonXml(XmlWriter& w, const MemballoonDef& balloon);

}  // namespace virtus::model
