// The command-line arguments of the smaller devices, as libvirt 9.0 builds them:
//
// - <input>: usb-tablet/usb-mouse/usb-kbd on the USB controller ("bus":"usb.0", ports
//   "1", "2"... in the order of the definition, as libvirt assigns them to a fresh domain),
//   virtio-tablet-pci/virtio-mouse-pci/virtio-keyboard-pci, nothing for ps2 (the i8042 of
//   the x86 machines); ids input0, input1... by position among all inputs.
// - <channel> with target virtio: -chardev charchannelN + virtserialport channelN on
//   virtio-serial0.0, port numbers from 1 in order, "name" the target name.
// - <sound>: ich6 (intel-hda), ich9 (ich9-intel-hda), each with an hda-duplex codec
//   soundN-codec0, ac97 (AC97), es1370 (ES1370) and sb16 (ISA), naming the audio backend;
//   ids by position among all sounds.
// - <watchdog>: i6300esb (PCI), ib700 (ISA) and -watchdog-action.
// - <rng>: -object rng-random objrngN + virtio-rng-pci rngN.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

Result<std::vector<std::string>> buildInputArgs(const model::DomainDef& def);
Result<std::vector<std::string>> buildChannelArgs(const model::DomainDef& def);
// `audiodev`: the id of the audio backend (qemu_command_graphics.h's audiodevId).
Result<std::vector<std::string>> buildSoundArgs(const model::DomainDef& def,
                                                const std::string& audiodev);
Result<std::vector<std::string>> buildWatchdogArgs(const model::DomainDef& def);
Result<std::vector<std::string>> buildRngArgs(const model::DomainDef& def);

}  // namespace virtus::qemu
