// The simple device elements: <controller>, <input>, <memballoon>, <sound>, <rng> (random
// backend) and <watchdog>, parsed and formatted as libvirt 9.0 does
// (virDomainControllerDefParseXML / Format and friends).
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

Result<ControllerDef> parseControllerXml(pugi::xml_node node);
void formatControllerXml(XmlWriter& w, const ControllerDef& controller);

Result<LeaseDef> parseLeaseXml(pugi::xml_node node);
void formatLeaseXml(XmlWriter& w, const LeaseDef& lease);

Result<InputDef> parseInputXml(pugi::xml_node node);
void formatInputXml(XmlWriter& w, const InputDef& input);

Result<MemballoonDef> parseMemballoonXml(pugi::xml_node node);
void formatMemballoonXml(XmlWriter& w, const MemballoonDef& balloon);

Result<SoundDef> parseSoundXml(pugi::xml_node node);
void formatSoundXml(XmlWriter& w, const SoundDef& sound);

Result<RngDef> parseRngXml(pugi::xml_node node);
void formatRngXml(XmlWriter& w, const RngDef& rng);

Result<WatchdogDef> parseWatchdogXml(pugi::xml_node node);
void formatWatchdogXml(XmlWriter& w, const WatchdogDef& watchdog);

}  // namespace virtus::model
