// What libvirt's virStorageBackendUpdateVolInfo learns about a block volume from its device
// node (partitions, logical volumes, SCSI LUNs, multipath maps): the size the device reports
// (<physical>), its permissions and its timestamps.
#pragma once

#include <string>

#include "common/result.h"
#include "model/storage/vol_def.h"
#include "os/file_system.h"

namespace virtus::storage {

// Fills vol.target.perms and vol.target.timestamps from a node's stat (files and devices).
void fillNodeFacts(const os::FileStat& st, model::VolDef& vol);

// Fills vol.physical, vol.target.perms and vol.target.timestamps from the node at `path`
// (opened read-only, for the device's own size); capacity and allocation stay as they are.
// A node that stats but does not open gets no physical.
Result<void> fillBlockNodeInfo(os::FileSystem& fs, const std::string& path, model::VolDef& vol);

}  // namespace virtus::storage
