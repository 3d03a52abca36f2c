// Domain XML: libvirt 9.0's parse (virDomainDefParseString for an inactive definition, with
// the generic post-parse defaults) and format (virDomainDefFormat with the inactive flag),
// for the QEMU/KVM guests Virtus runs. Anything Virtus does not model is refused with
// VIR_ERR_CONFIG_UNSUPPORTED naming the element, never dropped.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::model {

// libvirt's RelaxNG schema for domains.
inline constexpr std::string_view kDomainSchema = "domain.rng";

// Flags of formatDomainXml (libvirt's VIR_DOMAIN_XML_* values). SECURE includes graphics
// passwords; the model has no live state yet, so INACTIVE changes nothing.
enum DomainXmlFlags : unsigned {
  kDomainXmlSecure = 1u << 0,
  kDomainXmlInactive = 1u << 1,
};

// Structure, libvirt's parse-time checks and the post-parse defaults libvirt applies to
// every definition (see domain_postparse.h): a uuid is generated when absent.
Result<DomainDef> parseDomainXml(std::string_view xml);

std::string formatDomainXml(const DomainDef& def, unsigned flags = 0);

}  // namespace virtus::model
