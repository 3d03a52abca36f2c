#include "model/secret/secret_usage_name.h"

#include <array>
#include <utility>

namespace virtus::model {

namespace {

constexpr std::array<std::pair<SecretUsageType, std::string_view>, 6> kNames{{
    {SecretUsageType::None, "none"},
    {SecretUsageType::Volume, "volume"},
    {SecretUsageType::Ceph, "ceph"},
    {SecretUsageType::Iscsi, "iscsi"},
    {SecretUsageType::Tls, "tls"},
    {SecretUsageType::Vtpm, "vtpm"},
}};

}  // namespace

std::string_view secretUsageTypeName(SecretUsageType type) {
  for (const auto& [value, name] : kNames) {
    if (value == type)
      return name;
  }
  return {};
}

std::optional<SecretUsageType> secretUsageTypeFromName(std::string_view name) {
  for (const auto& [value, text] : kNames) {
    if (text == name)
      return value;
  }
  return std::nullopt;
}

bool isKnownSecretUsageType(int value) {
  return value >= static_cast<int>(SecretUsageType::None) &&
         value <= static_cast<int>(SecretUsageType::Vtpm);
}

}  // namespace virtus::model
