// The PCI addresses libvirt 9.0 gives a domain's devices when it is defined
// (qemuDomainAssignAddresses), for the i440fx ('pc') machine types: host bridge on slot 0,
// the PIIX3 on slot 1 (the first IDE controller at 1.1, the first PIIX3 USB controller at
// 1.2), the primary video on slot 2 when free, then, each on the first wholly free slot of
// bus 0: PCI bridges, interfaces, sound cards (not sb16, pcspk or usb), the other
// controllers, virtio disks, the balloon, RNGs, an i6300esb watchdog, the other videos and
// virtio inputs, in that order and in the definition's order within each kind. Addresses
// already in the definition are kept (and reserved first).
//
// Other machine types (q35) are left as they are: QEMU places their devices (libvirt would
// add PCIe root ports, which Virtus does not yet). Where bus 0 is full, libvirt adds a PCI
// bridge; Virtus refuses the definition instead.
#pragma once

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// Fills in the missing PCI addresses of `def`. XML_ERROR when two devices claim the same
// address, INTERNAL_ERROR when the first IDE or PIIX3 USB controller is not where the PIIX3
// has it, CONFIG_UNSUPPORTED when bus 0 has no free slot left. On error `def` is unchanged.
Result<void> assignPciAddresses(model::DomainDef& def);

}  // namespace virtus::qemu
