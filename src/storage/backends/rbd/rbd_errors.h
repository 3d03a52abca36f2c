// librados / librbd return codes (negative errno) as libvirt errors, with messages that
// name the operation, the volume, the Ceph user and the pool. Never given the key.
#pragma once

#include <string>

#include "common/result.h"

namespace virtus::storage::rbd {

// What was being done, for messages.
struct RbdOp {
  std::string action;  // "create volume", "resize volume", "list the images"
  std::string volume;  // "" for pool-wide operations
  std::string pool;    // the storage pool's name (libvirt's)
  std::string path;    // "rbd/img" or the RADOS pool name
  std::string user;    // "client.admin"
};

// rc < 0 from a librbd/librados call:
//   -EPERM/-EACCES -> VIR_ERR_OPERATION_DENIED "cannot <action> '<vol>' in storage pool
//                     '<pool>': Ceph user '<user>' is not permitted to (its caps on '<path>')"
//   -ETIMEDOUT     -> VIR_ERR_OPERATION_TIMEOUT
//   -ENOENT        -> VIR_ERR_NO_STORAGE_VOL when a volume is named, else SYSTEM_ERROR
//   -EEXIST        -> VIR_ERR_STORAGE_VOL_EXIST
//   -EBUSY         -> VIR_ERR_RESOURCE_BUSY (watchers, a protected snapshot with children)
//   others         -> VIR_ERR_SYSTEM_ERROR "failed to <action> ...: <strerror>"
Error rbdError(int rc, const RbdOp& op);

// rados_connect's failures: -EACCES/-EPERM/-EINVAL with a key -> VIR_ERR_AUTH_FAILED, -ETIMEDOUT
// -> VIR_ERR_OPERATION_TIMEOUT, others -> SYSTEM_ERROR; all name the monitors and the user.
Error connectError(int rc, const std::string& pool, const std::string& monHost,
                   const std::string& user);

}  // namespace virtus::storage::rbd
