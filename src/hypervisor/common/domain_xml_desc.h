// virDomainGetXMLDesc for the domain drivers: libvirt's flags mapped onto the formatter, and
// the id a running domain's live definition carries on its root element.
#pragma once

#include <string>

#include "model/domain/domain_def.h"

namespace virtus::hypervisor {

// `def` is the definition the flags chose (live, or the persistent one with
// VIR_DOMAIN_XML_INACTIVE); `liveId` is the running domain's id, or -1.
std::string domainXmlDesc(const model::DomainDef& def, unsigned flags, int liveId);

}  // namespace virtus::hypervisor
