#include "storage/pool_secret.h"

#include "storage/storage_backend.h"

namespace virtus::storage {

namespace {

std::string usageName(driver::SecretUsageType type) {
  switch (type) {
    case driver::SecretUsageType::None:
      return "none";
    case driver::SecretUsageType::Volume:
      return "volume";
    case driver::SecretUsageType::Ceph:
      return "ceph";
    case driver::SecretUsageType::Iscsi:
      return "iscsi";
    case driver::SecretUsageType::Tls:
      return "tls";
    case driver::SecretUsageType::Vtpm:
      return "vtpm";
  }
  return "unknown";
}

}  // namespace

Result<std::string> poolAuthSecret(const BackendContext& ctx, const model::PoolDef& def,
                                   driver::SecretUsageType type) {
  if (!def.source.auth)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "storage pool '" + def.name + "' has no <auth> to authenticate with.");
  if (!ctx.secrets)
    return makeError(
        ErrorCode::InternalError, ErrorDomain::Storage,
        "no secret driver is available to authenticate storage pool '" + def.name + "'.");
  const model::SecretRef& ref = def.source.auth->secret;
  driver::SecretHandle handle;
  if (ref.uuid) {
    TRY_ASSIGN(handle, ctx.secrets->lookupSecretByUuid(*ref.uuid));
    if (handle.usageType != type)
      return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                       "secret with uuid " + ref.uuid->str() + " is of type '" +
                           usageName(handle.usageType) + "' not expected '" + usageName(type) +
                           "' type");
  } else {
    TRY_ASSIGN(handle, ctx.secrets->lookupSecretByUsage(type, ref.usage));
  }
  return ctx.secrets->secretValue(handle, 0, /*internal=*/true);
}

}  // namespace virtus::storage
