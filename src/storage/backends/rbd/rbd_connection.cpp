#include "storage/backends/rbd/rbd_connection.h"

#include "storage/backends/rbd/rbd_errors.h"

namespace virtus::storage::rbd {

Result<std::shared_ptr<RbdConnection>> RbdConnection::open(const RadosConfig& config,
                                                           const RbdPoolSpec& spec,
                                                           const std::string& poolName) {
  std::shared_ptr<RbdConnection> conn(new RbdConnection());
  conn->spec_ = spec;
  conn->user_ = config.userName();
  const char* id = config.user ? config.user->c_str() : nullptr;
  if (int rc = rados_create(&conn->cluster_, id); rc < 0) {
    conn->cluster_ = nullptr;
    return systemError(ErrorDomain::Storage, -rc,
                       "failed to initialize RADOS for storage pool '" + poolName + "'");
  }
  for (const auto& [name, value] : config.options) {
    if (rados_conf_set(conn->cluster_, name.c_str(), value.c_str()) < 0) {
      // The value may be the key: only the option's name goes into the message.
      return makeError(
          ErrorCode::InternalError, ErrorDomain::Storage,
          "failed to set RADOS option '" + name + "' for storage pool '" + poolName + "'");
    }
  }
  if (int rc = rados_connect(conn->cluster_); rc < 0)
    return connectError(rc, poolName, config.monHost, conn->user_);
  if (int rc = rados_ioctx_create(conn->cluster_, spec.pool.c_str(), &conn->ioctx_); rc < 0) {
    conn->ioctx_ = nullptr;
    if (rc == -ENOENT) {
      return makeError(ErrorCode::OperationFailed, ErrorDomain::Storage,
                       "failed to create the RBD IoCTX of storage pool '" + poolName +
                           "': the RADOS pool '" + spec.pool + "' does not exist");
    }
    return rbdError(rc, RbdOp{"open the RADOS pool", "", poolName, spec.pool, conn->user_});
  }
  rados_ioctx_set_namespace(conn->ioctx_, spec.ns.empty() ? nullptr : spec.ns.c_str());
  return conn;
}

RbdConnection::~RbdConnection() {
  if (ioctx_)
    rados_ioctx_destroy(ioctx_);
  if (cluster_)
    rados_shutdown(cluster_);
}

}  // namespace virtus::storage::rbd
