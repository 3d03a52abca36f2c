// LVM commands of logical pools as libvirt 9.0 builds them (storage_backend_logical.c), plus
// lvresize, which libvirt lacks. Pure builders: the backend sets the deadlines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"
#include "os/command.h"

namespace virtus::storage::logical {

// vgchange -aly VG (start) or vgchange -aln VG (stop); VG is the pool's source name.
os::Command buildVgchangeCommand(const model::PoolDef& def, bool activate);

// pvcreate DEV
os::Command buildPvcreate(const std::string& device);
// pvremove DEV
os::Command buildPvremove(const std::string& device);
// vgcreate VG DEV... (the pool's source devices, in order)
os::Command buildVgcreate(const model::PoolDef& def);
// vgremove -f VG
os::Command buildVgremove(const model::PoolDef& def);
// vgscan
os::Command buildVgscan();
// pvs --noheadings -o pv_name,vg_name
os::Command buildPvs();
// vgs --separator : --noheadings --units b --unbuffered --nosuffix --options vg_size,vg_free VG
os::Command buildVgs(const model::PoolDef& def);
// lvs --separator # --noheadings --units b --unbuffered --nosuffix --options
//   lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr VG
os::Command buildLvs(const model::PoolDef& def);

// lvcreate as libvirt's virStorageBackendLogicalLVCreate:
//   thick:    lvcreate --name NAME -L CAPK VG --yes
//   sparse:   lvcreate --name NAME -L ALLOCK --type snapshot --virtualsize CAPK VG --yes
//             (allocation != capacity; allocation 0 counts as 1 byte)
//   snapshot: lvcreate --name NAME -L CAPK [...] -s BACKING-PATH --yes
// Sizes in KiB rounded up; LUKS-encrypted volumes get 2 MiB more for the header.
os::Command buildLvcreate(const model::PoolDef& def, const model::VolDef& vol);
// True when buildLvcreate makes a sparse (--virtualsize) LV.
bool isSparseRequest(const model::VolDef& vol);

// lvremove -f PATH, and lvchange -aln PATH (libvirt's retry after a failed lvremove).
os::Command buildLvremove(const std::string& lvPath);
os::Command buildLvchangeDeactivate(const std::string& lvPath);

// lvresize -L SIZEb VG/NAME; -f first when shrinking (LVM asks before reducing otherwise).
os::Command buildLvresize(const model::PoolDef& def, const std::string& lvName, std::uint64_t bytes,
                          bool shrink);

}  // namespace virtus::storage::logical
