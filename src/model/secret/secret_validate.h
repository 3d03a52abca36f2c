// Checks on a SecretDef that libvirt makes while parsing (secret_conf.c), kept apart so
// that definitions built in code (tests, the remote client) meet the same rules.
#pragma once

#include "common/result.h"
#include "model/secret/secret_def.h"

namespace virtus::model {

// The usage type is one of libvirt's, and a usage other than none names its object
// (VIR_ERR_INTERNAL_ERROR in the secret domain, worded as libvirt's parser words it, e.g.
// "Ceph usage specified, but name is missing"); none carries no id.
Result<void> validateSecret(const SecretDef& def);

// libvirt's message for a usage of `type` without its id element.
Error missingSecretUsageIdError(SecretUsageType type);

}  // namespace virtus::model
