// A secret's definition as libvirt's <secret> XML describes it (secret_conf.h). The value
// is not part of the definition: the secret manager keeps it apart.
#pragma once

#include <optional>
#include <string>

#include "common/uuid.h"
#include "driver/secret_driver.h"

namespace virtus::model {

using SecretUsageType = driver::SecretUsageType;

struct SecretDef {
  // Absent in the XML means "generate one"; the manager fills it in before storing.
  std::optional<Uuid> uuid;
  bool isEphemeral = false;
  bool isPrivate = false;
  std::string description;  // empty: no <description>
  SecretUsageType usageType = SecretUsageType::None;
  // <volume> for volume, <name> for ceph/tls/vtpm, <target> for iscsi; empty for none.
  std::string usageId;

  bool operator==(const SecretDef&) const = default;
};

}  // namespace virtus::model
