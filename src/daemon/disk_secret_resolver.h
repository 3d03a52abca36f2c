// The secrets that network disks name in <auth> (<secret type='ceph|iscsi' uuid=|usage=>)
// reach the QEMU driver as their values: this resolver asks the secret driver, as libvirt's
// QEMU driver asks its secret driver when it prepares a guest's disks.
#pragma once

#include <functional>
#include <string>

#include "common/result.h"
#include "driver/secret_driver.h"
#include "model/domain/domain_def.h"

namespace virtus::daemon {

using DiskSecretResolver = std::function<Result<std::string>(const model::DiskSecretRef&)>;

// `secrets` must outlive the resolver. The value of a private secret is given too (disk
// authentication is an internal use).
DiskSecretResolver makeDiskSecretResolver(driver::SecretDriver& secrets);

}  // namespace virtus::daemon
