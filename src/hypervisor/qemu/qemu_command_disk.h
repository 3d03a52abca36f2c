// The -blockdev and -device arguments of a domain's disks (libvirt's
// qemuBuildDiskCommandLine with -blockdev): one storage node and one format node per layer
// of each disk's chain, then the frontend device. Network layers (nbd, iscsi, rbd, gluster,
// http(s), ftp(s)) get their protocol's storage node (qemu_command_network.h) and, for <auth>,
// a secret object (qemu_command_secret.h) ahead of it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "hypervisor/qemu/qemu_command_secret.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// One disk's pieces, each a JSON object as text: what the command line passes to
// -blockdev/-device and what hotplug passes to blockdev-add/device_add over QMP.
struct QemuDiskArgs {
  // The -object JSON of the disk's secrets, in command-line order; objectsBefore[i] is the
  // index in `blockdevs` that objects[i] precedes (a layer's secrets come just before its
  // storage node, as libvirt orders them).
  std::vector<std::string> objects;
  std::vector<std::size_t> objectsBefore;
  // The secrets behind `objects`: the files the driver writes before QEMU starts, or the
  // values hotplug sends with object-add. Never log them.
  std::vector<QemuSecretObject> secrets;
  std::vector<std::string> blockdevs;  // bottom first: each node's children come before it
  std::string device;                  // the frontend
  std::string nodeName;                // the top format node ("" for an empty cdrom)
  std::string alias;                   // the device id
  // The node names of `blockdevs`, top first: the order blockdev-del removes them in.
  std::vector<std::string> nodesTopFirst;

  // "-object", JSON, "-blockdev", JSON, ..., "-device", JSON
  std::vector<std::string> commandLine() const;
  // Hotplug: the arguments of the object-add commands to run before the blockdev-adds (the
  // secret values base64-encoded in "data"; no file is involved). Never log them.
  std::vector<nlohmann::json> objectAddArguments() const;
};

// Node names are libvirt's: numbered from the last disk's top layer (libvirt-1) upwards,
// each disk's layers top first, so that the first disk of a definition holds the highest
// numbers. `bootIndex` is the device's bootindex (0: none).
// `secrets` gives the values of the secrets that disks with <auth> need.
Result<std::vector<QemuDiskArgs>> buildDiskArgs(const model::DomainDef& def,
                                                const std::vector<unsigned>& bootIndex,
                                                const QemuSecretContext& secrets = {});

// One disk of `def` (which gives the machine and controllers) whose layers are numbered from
// `firstNode` (top) upwards: for a disk hotplugged into a running domain.
Result<QemuDiskArgs> buildOneDiskArgs(const model::DomainDef& def, const model::DiskDef& disk,
                                      unsigned firstNode, unsigned bootIndex,
                                      const QemuSecretContext& secrets = {});

// How many node numbers a disk uses (one per layer of its chain; none for an empty cdrom).
unsigned diskNodeCount(const model::DiskDef& disk);

// The alias libvirt gives a disk's device ("virtio-disk1" for vdb, "scsi0-0-0-1",
// "ide0-1-0", "sata0-0-2").
Result<std::string> diskAlias(const model::DiskDef& disk);

// True for i440fx machine types ("pc", "pc-i440fx-7.2", "pc-1.0"...), which have IDE.
bool isI440fxMachine(const std::string& machine);

}  // namespace virtus::qemu
