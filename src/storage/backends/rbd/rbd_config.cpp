#include "storage/backends/rbd/rbd_config.h"

#include <arpa/inet.h>

namespace virtus::storage::rbd {

namespace {

Error configError(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage, std::move(message));
}

bool isIpv6Literal(const std::string& host) {
  in6_addr addr{};
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

}  // namespace

Result<RbdPoolSpec> parsePoolSpec(const model::PoolDef& def) {
  const std::string& name = def.source.name;
  RbdPoolSpec spec;
  auto slash = name.find('/');
  spec.pool = name.substr(0, slash);
  if (slash != std::string::npos)
    spec.ns = name.substr(slash + 1);
  if (spec.pool.empty() || (slash != std::string::npos && spec.ns.empty()) ||
      spec.ns.find('/') != std::string::npos) {
    return configError("source name '" + name + "' of storage pool '" + def.name +
                       "' is not a RADOS pool name or 'pool/namespace'");
  }
  return spec;
}

std::string imagePath(const RbdPoolSpec& spec, const std::string& image) {
  if (spec.ns.empty())
    return spec.pool + "/" + image;
  return spec.pool + "/" + spec.ns + "/" + image;
}

std::string RadosConfig::userName() const {
  return user ? "client." + *user : std::string("client.admin (default)");
}

std::string RadosConfig::describe() const {
  std::string out = "user=" + userName() + "\n";
  for (const auto& [name, value] : options)
    out += name + "=" + (name == "key" ? std::string("<redacted>") : value) + "\n";
  return out;
}

Result<std::string> monHostOf(const model::PoolDef& def) {
  std::string out;
  for (const auto& host : def.source.hosts) {
    if (host.name.empty()) {
      return configError("storage pool '" + def.name +
                         "' has a monitor <host> without a name; check the XML definition");
    }
    if (!out.empty())
      out += ",";
    if (!host.port) {
      out += host.name;
    } else if (isIpv6Literal(host.name)) {
      out += "[" + host.name + "]:" + std::to_string(*host.port);
    } else {
      out += host.name + ":" + std::to_string(*host.port);
    }
  }
  if (out.empty()) {
    return configError("storage pool '" + def.name +
                       "' names no Ceph monitor: add a <host> to its <source>");
  }
  return out;
}

Result<RadosConfig> radosConfig(const model::PoolDef& def,
                                const std::optional<std::string>& keyBase64,
                                std::chrono::milliseconds timeout) {
  RadosConfig config;
  TRY_ASSIGN(config.monHost, monHostOf(def));
  if (def.source.auth) {
    if (def.source.auth->username.empty()) {
      return configError("storage pool '" + def.name + "' has <auth> without a username");
    }
    if (!keyBase64) {
      return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                       "no key was given for Ceph user 'client." + def.source.auth->username +
                           "' of storage pool '" + def.name + "'");
    }
    config.user = def.source.auth->username;
    config.options.emplace_back("key", *keyBase64);
    config.options.emplace_back("auth_supported", "cephx");
  } else {
    config.options.emplace_back("auth_supported", "none");
  }
  config.options.emplace_back("mon_host", config.monHost);
  const auto ms = timeout.count() > 0 ? timeout.count() : 1;
  const std::string seconds = std::to_string((ms + 999) / 1000);
  config.options.emplace_back("client_mount_timeout", seconds);
  config.options.emplace_back("rados_mon_op_timeout", seconds);
  config.options.emplace_back("rados_osd_op_timeout", seconds);
  config.options.emplace_back("rbd_default_format", "2");
  for (const auto& opt : def.rbdConfigOpts)
    config.options.push_back(opt);
  return config;
}

}  // namespace virtus::storage::rbd
