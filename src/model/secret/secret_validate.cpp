#include "model/secret/secret_validate.h"

#include <string>

#include "model/secret/secret_usage_name.h"

namespace virtus::model {

namespace {

Error unexpectedUsageType(SecretUsageType type) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Secret,
                   "unexpected secret usage type " + std::to_string(static_cast<int>(type)));
}

}  // namespace

Error missingSecretUsageIdError(SecretUsageType type) {
  std::string what;
  switch (type) {
    case SecretUsageType::Volume:
      what = "volume usage specified, but volume path is missing";
      break;
    case SecretUsageType::Ceph:
      what = "Ceph usage specified, but name is missing";
      break;
    case SecretUsageType::Iscsi:
      what = "iSCSI usage specified, but target is missing";
      break;
    case SecretUsageType::Tls:
      what = "TLS usage specified, but name is missing";
      break;
    case SecretUsageType::Vtpm:
      what = "vTPM usage specified, but name is missing";
      break;
    case SecretUsageType::None:
      return unexpectedUsageType(type);
  }
  if (what.empty())
    return unexpectedUsageType(type);
  return makeError(ErrorCode::InternalError, ErrorDomain::Secret, std::move(what));
}

Result<void> validateSecret(const SecretDef& def) {
  if (!isKnownSecretUsageType(static_cast<int>(def.usageType)))
    return unexpectedUsageType(def.usageType);
  if (def.usageType == SecretUsageType::None) {
    if (!def.usageId.empty()) {
      return makeError(
          ErrorCode::InternalError, ErrorDomain::Secret,
          "secret usage type 'none' does not take a usage id, got '" + def.usageId + "'");
    }
    return ok();
  }
  if (def.usageId.empty())
    return missingSecretUsageIdError(def.usageType);
  return ok();
}

}  // namespace virtus::model
