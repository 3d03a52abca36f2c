// libvirt's capability documents from a QemuCaps, for the part Virtus supports:
// <domainCapabilities> (virsh domcapabilities) and the <guest> elements of <capabilities>
// (virsh capabilities). Byte-compatible with libvirt 9.0 for what they contain; the
// differences are listed in testdata/README.md.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "hypervisor/qemu/qemu_caps.h"

namespace virtus::qemu {

// `machine` may be empty (QEMU's default machine), a name or an alias; `virttype` is "qemu"
// or "kvm" (empty: "kvm" when KVM works, else "qemu"). Errors as libvirt's:
// INVALID_ARG "the accel 'kvm' is not supported by '<binary>' on this host",
// INVALID_ARG "the machine '<m>' is not supported by emulator '<binary>'".
Result<std::string> formatDomainCapabilities(const QemuCaps& caps, std::string_view machine,
                                             std::string_view virttype);

// The <guest> element of `caps` (hvm), indented for <capabilities> and followed by the
// blank line libvirt leaves after each guest.
std::string formatGuestCapabilities(const QemuCaps& caps);

}  // namespace virtus::qemu
