// <disk> elements: libvirt 9.0's parse (virDomainDiskDefParseXML and the storage source
// readers) and format (virDomainDiskDefFormat) for the disks Virtus runs: file, block, dir,
// volume and network (gluster, rbd, iscsi, nbd, http, https, sheepdog) sources, auth with a
// secret, backing chains, driver options, target, boot order and drive/pci addresses.
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

Result<DiskDef> parseDiskXml(pugi::xml_node node);
void formatDiskXml(XmlWriter& w, const DiskDef& disk);

// libvirt's virDiskNameToIndex: "vda" -> 0, "sdab" -> 27; nullopt when not a disk name.
std::optional<unsigned> diskNameToIndex(std::string_view name);

}  // namespace virtus::model
