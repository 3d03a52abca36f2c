#include "model/storage/pool_type_name.h"

#include <array>

namespace virtus::model {

namespace {
constexpr std::array<std::string_view, kPoolTypeCount> kNames = {
    "dir",  "fs",    "netfs", "logical",  "disk",    "iscsi", "iscsi-direct",
    "scsi", "mpath", "rbd",   "sheepdog", "gluster", "zfs",   "vstorage",
};
}  // namespace

std::string_view poolTypeName(PoolType type) {
  return kNames[static_cast<std::size_t>(type)];
}

std::optional<PoolType> poolTypeFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name)
      return static_cast<PoolType>(i);
  }
  return std::nullopt;
}

}  // namespace virtus::model
