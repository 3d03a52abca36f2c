// The guest-wide parts of <domain>: <os>, <features>, <cpu> and <clock>, parsed and
// formatted as libvirt 9.0 does for QEMU guests.
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

Result<void> parseOsXml(pugi::xml_node os, DomainDef& def);
void formatOsXml(XmlWriter& w, const OsDef& os);

Result<void> parseFeaturesXml(pugi::xml_node features, DomainDef& def);
void formatFeaturesXml(XmlWriter& w, const DomainDef& def);

Result<void> parseCpuXml(pugi::xml_node cpu, DomainDef& def);
void formatCpuXml(XmlWriter& w, const CpuDef& cpu);

Result<void> parseClockXml(pugi::xml_node clock, DomainDef& def);
void formatClockXml(XmlWriter& w, const DomainDef& def);

}  // namespace virtus::model
