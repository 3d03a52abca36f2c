#include "storage/pool_object.h"

#include <algorithm>

namespace virtus::storage {

namespace {
template <class Pred>
VolumeObjectPtr findVolume(const std::vector<VolumeObjectPtr>& volumes, Pred pred) {
  auto it = std::find_if(volumes.begin(), volumes.end(),
                         [&](const VolumeObjectPtr& v) { return pred(v->def); });
  return it == volumes.end() ? nullptr : *it;
}
}  // namespace

VolumeObjectPtr PoolObject::findVolumeByName(std::string_view name) const {
  return findVolume(volumes, [&](const model::VolDef& v) { return v.name == name; });
}

VolumeObjectPtr PoolObject::findVolumeByKey(std::string_view key) const {
  return findVolume(volumes, [&](const model::VolDef& v) { return v.key == key; });
}

VolumeObjectPtr PoolObject::findVolumeByPath(std::string_view path) const {
  return findVolume(volumes, [&](const model::VolDef& v) { return v.target.path == path; });
}

void PoolObject::removeVolume(const VolumeObjectPtr& vol) {
  volumes.erase(std::remove(volumes.begin(), volumes.end(), vol), volumes.end());
}

bool PoolObject::updateInactive() {
  if (!persistent)
    return false;
  if (newDef) {
    def = std::move(*newDef);
    newDef.reset();
  }
  return true;
}

}  // namespace virtus::storage
