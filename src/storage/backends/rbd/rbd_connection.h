// One cluster connection of one pool: a rados_t connected with the pool's RadosConfig and
// the ioctx of its RADOS pool (and namespace). RAII: the destructor closes both. Every call
// on it blocks on the cluster, so the backend makes them through its Watchdog; a connection
// whose call timed out is marked broken and replaced by the next caller.
#pragma once

#include <rados/librados.h>

#include <atomic>
#include <memory>
#include <string>

#include "common/result.h"
#include "storage/backends/rbd/rbd_config.h"

namespace virtus::storage::rbd {

class RbdConnection {
 public:
  // Creates, configures and connects the cluster handle, then opens the ioctx. Blocks (up to
  // the config's client_mount_timeout). `poolName` is libvirt's pool name, for messages.
  static Result<std::shared_ptr<RbdConnection>> open(const RadosConfig& config,
                                                     const RbdPoolSpec& spec,
                                                     const std::string& poolName);
  ~RbdConnection();
  RbdConnection(const RbdConnection&) = delete;
  RbdConnection& operator=(const RbdConnection&) = delete;

  rados_t cluster() const { return cluster_; }
  rados_ioctx_t ioctx() const { return ioctx_; }
  const RbdPoolSpec& spec() const { return spec_; }
  // "client.admin": for messages.
  const std::string& user() const { return user_; }

  bool broken() const { return broken_.load(); }
  void markBroken() { broken_.store(true); }

 private:
  RbdConnection() = default;

  rados_t cluster_ = nullptr;
  rados_ioctx_t ioctx_ = nullptr;
  RbdPoolSpec spec_;
  std::string user_;
  std::atomic<bool> broken_{false};
};

using RbdConnectionPtr = std::shared_ptr<RbdConnection>;

}  // namespace virtus::storage::rbd
