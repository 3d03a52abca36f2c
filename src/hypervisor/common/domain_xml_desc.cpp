#include "hypervisor/common/domain_xml_desc.h"

#include "driver/domain_flags.h"
#include "model/domain/domain_xml.h"

namespace virtus::hypervisor {

std::string domainXmlDesc(const model::DomainDef& def, unsigned flags, int liveId) {
  namespace dx = driver::domain_xml;
  const bool inactive = flags & dx::kInactive;
  unsigned formatFlags = 0;
  if (flags & dx::kSecure)
    formatFlags |= model::kDomainXmlSecure;
  if (inactive)
    formatFlags |= model::kDomainXmlInactive;
  std::string xml = model::formatDomainXml(def, formatFlags);
  if (liveId >= 0 && !inactive) {
    const std::size_t end = xml.find('>');
    if (end != std::string::npos)
      xml.insert(end, " id='" + std::to_string(liveId) + "'");
  }
  return xml;
}

}  // namespace virtus::hypervisor
