// libvirt's names for secret usage types (virSecretUsageType's string table), as they
// appear in <usage type='...'>.
#pragma once

#include <optional>
#include <string_view>

#include "model/secret/secret_def.h"

namespace virtus::model {

// "none", "volume", "ceph", "iscsi", "tls", "vtpm"; empty for a value outside the enum.
std::string_view secretUsageTypeName(SecretUsageType type);
std::optional<SecretUsageType> secretUsageTypeFromName(std::string_view name);
// Whether `value` is one of the enum's values (wire input is an int).
bool isKnownSecretUsageType(int value);

}  // namespace virtus::model
