// The secret a network pool's <auth> names (a Ceph key for rbd, a CHAP password for iscsi
// and iscsi-direct), read from the secret driver as libvirt's virSecretGetSecretString does
// for its storage backends. The value never leaves the backend that asked for it: it goes
// to the library call that authenticates, never to a command line or a log.
#pragma once

#include <string>

#include "common/result.h"
#include "driver/secret_driver.h"
#include "model/storage/pool_def.h"

namespace virtus::storage {

struct BackendContext;

// The raw secret value (for ceph: the key's bytes, which librados wants base64-encoded).
// Errors: VIR_ERR_INVALID_ARG without <auth> or when a secret of another usage type matches
// the UUID, VIR_ERR_NO_SECRET when none matches, VIR_ERR_INTERNAL_ERROR without a secret
// driver.
Result<std::string> poolAuthSecret(const BackendContext& ctx, const model::PoolDef& def,
                                   driver::SecretUsageType type);

}  // namespace virtus::storage
