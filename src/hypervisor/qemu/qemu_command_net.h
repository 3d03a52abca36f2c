// The -netdev/-device pair of each <interface> (libvirt 9.0's qemuBuildInterfaceCommandLine
// with JSON -netdev): backend "hostnetN", frontend "netN" with the MAC address, the boot
// index and the PCI address.
//
// Only type 'user' (QEMU's slirp) runs: 'network' and 'bridge' need a tap device on a host
// bridge that the driver would create and pass to QEMU, which Virtus does not do yet; they
// are refused rather than started without a network. Models: virtio (virtio-net-pci),
// e1000, e1000e, rtl8139; none given: rtl8139, libvirt's default for x86 guests.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// One interface's pieces, JSON objects as text: what -netdev/-device take on the command
// line and netdev_add/device_add over QMP.
struct QemuNetArgs {
  std::string netdev;  // {"type":"user","id":"hostnet0"}
  std::string device;  // {"driver":"virtio-net-pci","netdev":"hostnet0","id":"net0",...}
  std::string alias;   // net0

  // "-netdev", netdev, "-device", device
  std::vector<std::string> commandLine() const;
};

// Interface `index` of `def` (which gives the machine type for the PCI bus name).
// `bootIndex` 0: none.
Result<QemuNetArgs> buildOneNetArgs(const model::DomainDef& def, const model::NetDef& net,
                                    unsigned index, unsigned bootIndex);

// Every interface of `def`, in order; bootIndex[i] belongs to def.nets[i].
Result<std::vector<QemuNetArgs>> buildNetArgs(const model::DomainDef& def,
                                              const std::vector<unsigned>& bootIndex);

}  // namespace virtus::qemu
