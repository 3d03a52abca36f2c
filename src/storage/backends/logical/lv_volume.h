// A logical volume as a storage volume of its pool, as libvirt's
// virStorageBackendLogicalMakeVol shows it.
#pragma once

#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"
#include "storage/backends/logical/lvm_output.h"

namespace virtus::storage::logical {

// Block volume named after the LV, keyed by its UUID, at TARGET/NAME (/dev/VG/NAME), with
// its extents and the origin as backing store for snapshots (not the hidden
// "[NAME_vorigin]" of sparse LVs). Capacity is the LV's size (libvirt reads the same from the
// device node, which LVM without device-mapper never makes); allocation is the size of its
// segments on the PVs (libvirt shows the LV's size, which overstates sparse LVs).
model::VolDef volumeOf(const model::PoolDef& def, const LogicalVolume& lv);

// TARGET/NAME: where the LV's device node is.
std::string lvPath(const model::PoolDef& def, const std::string& name);

}  // namespace virtus::storage::logical
