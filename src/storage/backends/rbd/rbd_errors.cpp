#include "storage/backends/rbd/rbd_errors.h"

#include <cerrno>
#include <cstring>

namespace virtus::storage::rbd {

namespace {

std::string reason(int rc) {
  return std::strerror(rc < 0 ? -rc : rc);
}

std::string subject(const RbdOp& op) {
  std::string s = op.action;
  if (!op.volume.empty())
    s += " '" + op.volume + "'";
  s += op.volume.empty() ? " of storage pool '" : " in storage pool '";
  return s + op.pool + "'";
}

}  // namespace

Error rbdError(int rc, const RbdOp& op) {
  const int e = rc < 0 ? -rc : rc;
  switch (e) {
    case EPERM:
    case EACCES:
      return makeError(ErrorCode::OperationDenied, ErrorDomain::Storage,
                       "cannot " + subject(op) + ": permission denied: Ceph user '" + op.user +
                           "' may not do this on '" + op.path +
                           "' (check its osd caps): " + reason(rc));
    case ETIMEDOUT:
      return makeError(ErrorCode::OperationTimeout, ErrorDomain::Storage,
                       "cannot " + subject(op) + ": the Ceph cluster timed out");
    case ENOENT:
      if (!op.volume.empty()) {
        return makeError(ErrorCode::NoStorageVol, ErrorDomain::Storage,
                         "no storage vol with matching name '" + op.volume + "' ('" + op.path +
                             "') in storage pool '" + op.pool + "'");
      }
      break;
    case EEXIST:
      return makeError(ErrorCode::StorageVolExist, ErrorDomain::Storage, "'" + op.volume + "'");
    case EBUSY:
      return makeError(
          ErrorCode::ResourceBusy, ErrorDomain::Storage,
          "cannot " + subject(op) + ": the RBD image '" + op.path + "' is in use: " + reason(rc));
    default:
      break;
  }
  return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                   "failed to " + subject(op) + " ('" + op.path + "'): " + reason(rc));
}

Error connectError(int rc, const std::string& pool, const std::string& monHost,
                   const std::string& user) {
  const int e = rc < 0 ? -rc : rc;
  const std::string where = "the RADOS monitor on " + monHost + " for storage pool '" + pool +
                            "' as Ceph user '" + user + "'";
  if (e == EACCES || e == EPERM) {
    return makeError(ErrorCode::AuthFailed, ErrorDomain::Storage,
                     "failed to authenticate to " + where + ": " + reason(rc));
  }
  if (e == ETIMEDOUT) {
    return makeError(ErrorCode::OperationTimeout, ErrorDomain::Storage,
                     "failed to connect to " + where + ": timed out");
  }
  return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                   "failed to connect to " + where + ": " + reason(rc));
}

}  // namespace virtus::storage::rbd
