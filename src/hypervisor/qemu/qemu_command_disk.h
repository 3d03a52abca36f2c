// The -blockdev and -device arguments of a domain's disks (libvirt's
// qemuBuildDiskCommandLine with -blockdev): one storage node and one format node per layer
// of each disk's chain, then the frontend device.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

struct QemuDiskArgs {
  std::vector<std::string> args;  // "-blockdev", JSON, ..., "-device", JSON
  std::string nodeName;           // the top format node ("" for an empty cdrom)
  std::string alias;              // the device id
};

// Node names are libvirt's: numbered from the last disk's top layer (libvirt-1) upwards,
// each disk's layers top first, so that the first disk of a definition holds the highest
// numbers. `bootIndex` is the device's bootindex (0: none).
Result<std::vector<QemuDiskArgs>> buildDiskArgs(const model::DomainDef& def,
                                                const std::vector<unsigned>& bootIndex);

// The alias libvirt gives a disk's device ("virtio-disk1" for vdb, "scsi0-0-0-1",
// "ide0-1-0", "sata0-0-2").
Result<std::string> diskAlias(const model::DiskDef& disk);

// True for i440fx machine types ("pc", "pc-i440fx-7.2", "pc-1.0"...), which have IDE.
bool isI440fxMachine(const std::string& machine);

}  // namespace virtus::qemu
