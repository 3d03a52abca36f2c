// The defaults libvirt's generic code adds to a parsed definition (virDomainDefPostParse
// and the parser's own defaults), independent of any driver: the uuid, currentMemory,
// the default boot device, disk source normalisation (default ports of network protocols,
// the iSCSI LUN), drive addresses and the disk controllers those addresses need, serial
// ports, the console that mirrors the first serial port, the virtio-serial controller
// that virtio consoles and channels need, and the primary (or default) video.
#pragma once

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::model {

// Inserts `disk` where libvirt's virDomainDiskInsert would: after the last disk on the same
// bus whose target sorts before it, before the first one that sorts after, else at the end.
void insertDisk(DomainDef& def, DiskDef disk);
// The same grouping for controllers, by type then index.
void insertController(DomainDef& def, ControllerDef controller);

// Fails only for what libvirt's post-parse refuses (a serial console that is not the first,
// ISA serial ports beyond 4, two primary videos, a 'none' video with others).
Result<void> applyDomainPostParse(DomainDef& def);

// The port libvirt assumes for a protocol when <host> has none (0: none).
unsigned defaultNetworkPort(std::string_view protocol);

}  // namespace virtus::model
