// What a pool definition asks of librados (libvirt's virStorageBackendRBDOpenRADOSConn, as
// data): the Ceph user, the configuration options set on the connection before it connects,
// and the RADOS pool (and namespace) its volumes live in. Pure, so that the rules (monitor
// addresses, IPv6 brackets, default port, auth, timeouts, <rbd:config_opts>) are unit-tested
// without a cluster. The cephx key is one of the options: describe() never prints it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"

namespace virtus::storage::rbd {

// The RADOS pool and namespace of a pool definition's <source><name>: "POOL" or
// "POOL/NAMESPACE" (the spelling of the rbd CLI; libvirt 9.0 knows only "POOL").
struct RbdPoolSpec {
  std::string pool;
  std::string ns;  // "" for the default namespace
};

Result<RbdPoolSpec> parsePoolSpec(const model::PoolDef& def);

// A volume's key and target path: "POOL/IMAGE" as libvirt writes them, "POOL/NS/IMAGE" in a
// namespace (the rbd CLI's image spec).
std::string imagePath(const RbdPoolSpec& spec, const std::string& image);

struct RadosConfig {
  // The cephx user id without "client." ("admin"), or nullopt without <auth> (librados'
  // default user, auth_supported=none).
  std::optional<std::string> user;
  // rados_conf_set pairs in order: key (with auth), auth_supported, mon_host, the timeouts,
  // rbd_default_format, then the pool's <rbd:config_opts>.
  std::vector<std::pair<std::string, std::string>> options;
  // "127.0.0.1:6789,[::1]:3300": for messages.
  std::string monHost;

  // "client.admin" or "client.admin (default)" for messages.
  std::string userName() const;
  // The options as "name=value" lines for logs and test failures, the key as "<redacted>".
  std::string describe() const;
};

// monitor list of the <host> elements: "name" without a port, "name:port" with one, IPv6
// literals in brackets ("[::1]:6789"). VIR_ERR_CONFIG_UNSUPPORTED without any host.
Result<std::string> monHostOf(const model::PoolDef& def);

// `keyBase64` is the secret's value in base64 (required exactly when the pool has <auth>);
// `timeout` sets client_mount_timeout, rados_mon_op_timeout and rados_osd_op_timeout
// (whole seconds, rounded up).
Result<RadosConfig> radosConfig(const model::PoolDef& def,
                                const std::optional<std::string>& keyBase64,
                                std::chrono::milliseconds timeout);

}  // namespace virtus::storage::rbd
