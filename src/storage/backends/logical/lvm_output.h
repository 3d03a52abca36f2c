// Parsers of what the LVM tools print on stdout for logical pools (never stderr: LVM warns
// there, e.g. "WARNING: Activation disabled"). Strict: a line that is not what libvirt's
// patterns expect is VIR_ERR_INTERNAL_ERROR naming the tool and the line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::storage::logical {

// `vgs --separator : ... --options vg_size,vg_free VG`: "  SIZE:FREE" (a trailing ':' as
// some distributions print it is accepted).
struct VgSizes {
  std::uint64_t size = 0;
  std::uint64_t free = 0;
};
Result<VgSizes> parseVgs(std::string_view out);

// One logical volume from `lvs --separator # ...` (buildLvs), its segments merged.
struct LogicalVolume {
  std::string name;
  std::string origin;  // "" for none; "[NAME_vorigin]" for --virtualsize LVs
  std::string uuid;
  std::string attr;             // lv_attr, e.g. "-wi-ao----"
  std::uint64_t size = 0;       // the LV's size (capacity)
  std::uint64_t usedBytes = 0;  // the sum of its segments' sizes on the PVs
  std::vector<model::VolSourceExtent> extents;

  // lv_attr's volume type 's': a snapshot, as libvirt's sparse (--virtualsize) LVs are.
  bool isSnapshot() const { return !attr.empty() && attr[0] == 's'; }
};

// The LVs libvirt lists: it skips thin pools (lv_attr 't'), LVs that are not active
// (lv_attr state not 'a') and rows without devices (thin LVs). Beyond libvirt, the state 'X'
// (unknown: LVM runs without device-mapper) counts as active.
Result<std::vector<LogicalVolume>> parseLvs(std::string_view out);

// `pvs --noheadings -o pv_name,vg_name`: one source per volume group, in order of first
// appearance, listing its PVs as devices, format "lvm2". PVs in no group are skipped.
Result<std::vector<model::PoolSource>> parsePvs(std::string_view out);

}  // namespace virtus::storage::logical
