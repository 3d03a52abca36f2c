#include "daemon/disk_secret_resolver.h"

namespace virtus::daemon {

namespace {

Result<driver::SecretUsageType> usageType(const std::string& type) {
  if (type == "ceph")
    return driver::SecretUsageType::Ceph;
  if (type == "iscsi")
    return driver::SecretUsageType::Iscsi;
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                   "secret type '" + type + "' cannot authenticate a disk");
}

}  // namespace

DiskSecretResolver makeDiskSecretResolver(driver::SecretDriver& secrets) {
  return [&secrets](const model::DiskSecretRef& ref) -> Result<std::string> {
    TRY_ASSIGN(driver::SecretUsageType type, usageType(ref.type));
    driver::SecretHandle handle;
    if (ref.uuid) {
      TRY_ASSIGN(handle, secrets.lookupSecretByUuid(*ref.uuid));
      if (handle.usageType != type)
        return makeError(ErrorCode::InvalidArg, ErrorDomain::Qemu,
                         "secret '" + ref.uuid->str() + "' is not a " + ref.type + " secret");
    } else {
      TRY_ASSIGN(handle, secrets.lookupSecretByUsage(type, ref.usage));
    }
    return secrets.secretValue(handle, 0, /*internal=*/true);
  };
}

}  // namespace virtus::daemon
