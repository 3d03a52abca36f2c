// Pool type <-> libvirt's name ("dir", "iscsi-direct" …).
#pragma once

#include <optional>
#include <string_view>

#include "model/storage/pool_def.h"

namespace virtus::model {

std::string_view poolTypeName(PoolType type);
std::optional<PoolType> poolTypeFromName(std::string_view name);

}  // namespace virtus::model
