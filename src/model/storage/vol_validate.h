// Checks on a parsed volume that libvirt makes outside its XML parser, when a volume is
// created: they depend on the pool type or on how the image will be made.
#pragma once

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::model {

// What every creation path of the pool type refuses before touching the host: volumes of
// directory-like pools (dir, fs, netfs, vstorage) are files directly in the pool's
// directory, so their name may not contain '/' (VIR_ERR_OPERATION_INVALID
// "volume name 'a/b' cannot contain '/'").
Result<void> validateVol(const PoolDef& pool, const VolDef& vol);

// The options only qemu-img's qcow2 creation understands (libvirt's checks before it
// builds a qemu-img command line): <compat> and <features> need format qcow2, and qcow
// style encryption cannot be created. VIR_ERR_CONFIG_UNSUPPORTED.
Result<void> validateVolForQemuImg(const VolDef& vol);

}  // namespace virtus::model
