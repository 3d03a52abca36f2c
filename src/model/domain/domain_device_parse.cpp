#include "model/domain/domain_device_parse.h"

#include <pugixml.hpp>

#include "model/domain/domain_disk_xml.h"
#include "model/domain/domain_postparse.h"
#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

Result<DeviceDef> parseDeviceXml(std::string_view xml) {
  pugi::xml_document probe;
  pugi::xml_parse_result parsed =
      probe.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  pugi::xml_node root = probe.document_element();
  // parseXmlDocument words the syntax errors as libvirt does; a well-formed document is
  // parsed again with its own root as the expected one.
  std::string element = parsed && root ? root.name() : "disk";
  TRY_ASSIGN(pugi::xml_document doc,
             parseXmlDocument(xml, element, kDomainDocName, ErrorDomain::Domain));
  DeviceDef device;
  device.element = element;
  if (element == "disk") {
    TRY_ASSIGN(DiskDef disk, parseDiskXml(doc.document_element()));
    applyDiskDefaults(disk);
    device.disk = std::move(disk);
  }
  return device;
}

}  // namespace virtus::model
