// The defaults libvirt's generic code adds to a parsed definition (virDomainDefPostParse
// and the parser's own defaults), independent of any driver: the uuid, currentMemory,
// the default boot device, disk source normalisation (default ports of network protocols,
// the iSCSI LUN), drive addresses and the disk controllers those addresses need.
#pragma once

#include "model/domain/domain_def.h"

namespace virtus::model {

// Inserts `disk` where libvirt's virDomainDiskInsert would: after the last disk on the same
// bus whose target sorts before it, before the first one that sorts after, else at the end.
void insertDisk(DomainDef& def, DiskDef disk);
// The same grouping for controllers, by type then index.
void insertController(DomainDef& def, ControllerDef controller);

void applyDomainPostParse(DomainDef& def);

// The port libvirt assumes for a protocol when <host> has none (0: none).
unsigned defaultNetworkPort(std::string_view protocol);

}  // namespace virtus::model
