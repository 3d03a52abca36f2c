// The display side of the command line, as libvirt 9.0 builds it: the audio backend
// (-audiodev), the remote displays (-vnc, -spice, -k) and the video devices.
//
// Audio: every guest gets libvirt 9.0's default backend (its <audio id='1' type='none'/>),
// -audiodev '{"id":"audio1","driver":"none"}' ("spice" with a SPICE display), which the
// displays and sound devices name. VNC: "-vnc ADDR:DISPLAY[,share=...],audiodev=audio1",
// listening on 127.0.0.1 unless <listen address=> says otherwise; <listen type='none'>
// is "-vnc none". SPICE: "-spice port=P,addr=ADDR,disable-ticketing=on,
// seamless-migration=on". Refused: passwords (the driver would have to set them over QMP),
// TLS ports, listening on a virtual network. Video: vga (VGA), cirrus (cirrus-vga), qxl
// (qxl-vga, or qxl when secondary), virtio (virtio-vga, or virtio-gpu-pci when secondary),
// bochs (bochs-display, 16 MiB unless vram says otherwise), none (no device); ids video0,
// video1...
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// Picks a free TCP port at or above `first` (libvirt's range is 5900-65535 for displays)
// and reserves it for the domain: given by the driver, which owns the host's ports.
using PortAllocator = std::function<Result<int>(int first)>;

// The id of the domain's audio backend: "audio1".
std::string audiodevId(const model::DomainDef& def);

struct QemuGraphicsArgs {
  std::vector<std::string> argv;  // -audiodev ..., -vnc ..., -k ..., -spice ...
  // The TCP port each of def.graphics listens on, in order (0: none): the ones the
  // allocator gave go into the live definition and are released when the domain stops.
  std::vector<int> ports;
};

// -audiodev and the displays. `allocatePort` is called for each display with autoport (or
// no port); without one, such a display is refused.
Result<QemuGraphicsArgs> buildGraphicsArgs(const model::DomainDef& def,
                                           const PortAllocator& allocatePort);

// The -device arguments of the video devices.
Result<std::vector<std::string>> buildVideoArgs(const model::DomainDef& def);

}  // namespace virtus::qemu
