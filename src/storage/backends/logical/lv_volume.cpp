#include "storage/backends/logical/lv_volume.h"

namespace virtus::storage::logical {

std::string lvPath(const model::PoolDef& def, const std::string& name) {
  return def.target.path + "/" + name;
}

model::VolDef volumeOf(const model::PoolDef& def, const LogicalVolume& lv) {
  model::VolDef vol;
  vol.name = lv.name;
  vol.type = model::VolType::Block;
  vol.key = lv.uuid;
  vol.target.path = lvPath(def, lv.name);
  vol.capacity = lv.size;
  vol.hasCapacity = true;
  vol.allocation = lv.usedBytes;
  vol.hasAllocation = true;
  vol.source.extents = lv.extents;
  if (!lv.origin.empty() && lv.origin.front() != '[') {
    model::VolBackingStore backing;
    backing.path = lvPath(def, lv.origin);
    vol.backingStore = std::move(backing);
  }
  return vol;
}

}  // namespace virtus::storage::logical
