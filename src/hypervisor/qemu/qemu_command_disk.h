// The -blockdev and -device arguments of a domain's disks (libvirt's
// qemuBuildDiskCommandLine with -blockdev): one storage node and one format node per layer
// of each disk's chain, then the frontend device.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// One disk's pieces, each a JSON object as text: what the command line passes to
// -blockdev/-device and what hotplug passes to blockdev-add/device_add over QMP.
struct QemuDiskArgs {
  std::vector<std::string> blockdevs;  // bottom first: each node's children come before it
  std::string device;                  // the frontend
  std::string nodeName;                // the top format node ("" for an empty cdrom)
  std::string alias;                   // the device id
  // The node names of `blockdevs`, top first: the order blockdev-del removes them in.
  std::vector<std::string> nodesTopFirst;

  // "-blockdev", JSON, ..., "-device", JSON
  std::vector<std::string> commandLine() const;
};

// Node names are libvirt's: numbered from the last disk's top layer (libvirt-1) upwards,
// each disk's layers top first, so that the first disk of a definition holds the highest
// numbers. `bootIndex` is the device's bootindex (0: none).
Result<std::vector<QemuDiskArgs>> buildDiskArgs(const model::DomainDef& def,
                                                const std::vector<unsigned>& bootIndex);

// One disk of `def` (which gives the machine and controllers) whose layers are numbered from
// `firstNode` (top) upwards: for a disk hotplugged into a running domain.
Result<QemuDiskArgs> buildOneDiskArgs(const model::DomainDef& def, const model::DiskDef& disk,
                                      unsigned firstNode, unsigned bootIndex);

// How many node numbers a disk uses (one per layer of its chain; none for an empty cdrom).
unsigned diskNodeCount(const model::DiskDef& disk);

// The alias libvirt gives a disk's device ("virtio-disk1" for vdb, "scsi0-0-0-1",
// "ide0-1-0", "sata0-0-2").
Result<std::string> diskAlias(const model::DiskDef& disk);

// True for i440fx machine types ("pc", "pc-i440fx-7.2", "pc-1.0"...), which have IDE.
bool isI440fxMachine(const std::string& machine);

}  // namespace virtus::qemu
