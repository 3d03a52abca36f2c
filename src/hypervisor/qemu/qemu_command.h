// The QEMU command line of a domain: a pure function of its definition and of the paths the
// driver chose for this run (monitor socket, console log). Nothing here touches the host;
// the driver spawns the result.
//
// The layout follows libvirt 9.0's (qemu_command.c): -name guest=...,debug-threads=on, -S,
// -machine, -accel, -cpu, -m, -smp, -uuid, -no-user-config -nodefaults, the monitor
// chardev, -rtc, -no-shutdown, -boot strict=on, the kernel, then the devices with JSON
// -blockdev/-device arguments and libvirt's node names (libvirt-N-storage/-format) and
// aliases (virtio-disk0, scsi0-0-0-0, ide0-1-0, serial0), then interfaces, channels, inputs,
// audio, displays, video, sound, watchdog, balloon and rng, in libvirt's order. Disk formats are
// always explicit: QEMU never probes one. Network disks' secrets are -object secret with a file
// each (not libvirt's AES-encrypted data: see qemu_command_secret.h), which the driver writes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "hypervisor/qemu/qemu_command_graphics.h"
#include "hypervisor/qemu/qemu_command_secret.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// What the driver decides for one run of the domain.
struct QemuLaunchPaths {
  // The binary; empty: the definition's <emulator>, else "qemu-system-x86_64".
  std::string emulator;
  // The QMP monitor socket QEMU listens on (server=on,wait=off). Required.
  std::string monitorSocket;
  // When the definition has no <serial>: a serial port (serial0, ttyS0) writing to this
  // file, so that the guest's console can be read. Empty: no serial port is added.
  std::string consoleLogPath;
  // The value of a secret that a network disk's <auth> names (raw bytes). Empty: disks with
  // <auth> are refused.
  std::function<Result<std::string>(const model::DiskSecretRef&)> secretValue;
  // The directory (mode 0700) where the driver writes QemuCommand::secrets before it spawns
  // QEMU. Required when a disk has <auth>.
  std::string secretDir;
  // Picks and reserves a free TCP port at or above the one given, for each VNC or SPICE
  // display with autoport (libvirt's range starts at 5900). Required when there is one.
  PortAllocator allocatePort;
};

struct QemuCommand {
  // argv[0] is the emulator.
  std::vector<std::string> argv;
  // The node name of the top format node of each disk with a source, in the definition's
  // order ("" for an empty cdrom): what QMP commands on the disk name.
  std::vector<std::string> diskNodeNames;
  // The device id of each disk, in the definition's order (virtio-disk0, scsi0-0-0-0...).
  std::vector<std::string> diskAliases;
  // The secret files the command line names: the driver writes each (mode 0600) before it
  // spawns QEMU and removes them once QMP is up. Never log their values.
  std::vector<QemuSecretObject> secrets;
  // The device id of each interface, in the definition's order (net0, net1...).
  std::vector<std::string> netAliases;
  // The TCP port of each <graphics>, in the definition's order (0: none): the driver puts
  // them in the live definition and releases the allocated ones when the domain stops.
  std::vector<int> graphicsPorts;
};

// The command line, or CONFIG_UNSUPPORTED (domain QEMU) for what Virtus cannot run yet: a
// disk without an explicit format, volume disks (the storage driver resolves them first),
// sheepdog and the network protocols qemu_command_network.h does not list, interfaces other
// than type 'user' (qemu_command_net.h), display passwords and TLS (qemu_command_graphics.h),
// the device models qemu_command_misc.h does not list, and the rest checkUnsupported in
// qemu_command.cpp lists.
Result<QemuCommand> buildQemuCommandLine(const model::DomainDef& def, const QemuLaunchPaths& paths);

}  // namespace virtus::qemu
