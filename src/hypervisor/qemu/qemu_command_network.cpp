#include "hypervisor/qemu/qemu_command_network.h"
#include "hypervisor/qemu/qemu_command_support.h"

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace virtus::qemu {
namespace {

using model::DiskHost;
using model::StorageSource;
using nlohmann::ordered_json;

// libvirt's gluster_debug_level default (qemu.conf), which it passes to every gluster node.
constexpr unsigned kGlusterDebugLevel = 4;

// One layer being built, and what its errors name.
struct Layer {
  const StorageSource& src;
  const std::string& node;
  const std::string& disk;
  const QemuSecretContext& secrets;
  std::vector<DiskHost> hosts;  // with default ports filled in

  std::string where() const { return "disk '" + disk + "' (protocol '" + src.protocol + "')"; }
};

std::string transportName(const DiskHost& host) {
  return host.transport.empty() ? "tcp" : host.transport;
}

Result<const DiskHost*> oneHost(const Layer& layer) {
  if (layer.hosts.size() != 1)
    return unsupported(layer.where() + " needs exactly one <host>, not " +
                       std::to_string(layer.hosts.size()));
  return &layer.hosts.front();
}

Result<void> requireTcp(const Layer& layer, const DiskHost& host) {
  if (!host.transport.empty())
    return unsupported(layer.where() + " can only reach its hosts over 'tcp', not over '" +
                       transportName(host) + "'");
  return ok();
}

std::string portText(const DiskHost& host) {
  return std::to_string(host.port.value_or(0));
}

// QEMU's SocketAddress: {"type":"inet","host":...,"port":"N"} or {"type":"unix","path":...}.
Result<ordered_json> socketAddress(const Layer& layer, const DiskHost& host) {
  if (host.transport.empty())
    return ordered_json{{"type", "inet"}, {"host", host.name}, {"port", portText(host)}};
  if (host.transport == "unix")
    return ordered_json{{"type", "unix"}, {"path", host.socket}};
  return unsupported(layer.where() + " cannot use transport '" + transportName(host) + "'");
}

// "a/b/c" → ("a", "b/c"): libvirt splits rbd and gluster names at the first slash.
std::optional<std::pair<std::string, std::string>> splitAtSlash(const std::string& name) {
  std::size_t slash = name.find('/');
  if (slash == std::string::npos || slash == 0)
    return std::nullopt;
  return std::make_pair(name.substr(0, slash), name.substr(slash + 1));
}

Error cannotSplit(const Layer& layer) {
  return makeError(ErrorCode::XmlError, ErrorDomain::Qemu,
                   "can't split path '" + layer.src.name +
                       "' into pool name and image name (disk '" + layer.disk + "')");
}

// The id of the secret object of the layer's <auth>, which joins `out.secrets`.
Result<std::string> authSecret(const Layer& layer, NetworkStorageNode& out) {
  TRY_ASSIGN(QemuSecretObject secret,
             prepareAuthSecret(layer.secrets, *layer.src.auth, layer.node, layer.disk));
  std::string id = secret.id;
  out.secrets.push_back(std::move(secret));
  return id;
}

bool isIpv6(const std::string& host) {
  return host.find(':') != std::string::npos;
}

// Percent-encoding of what a URI path cannot hold as is.
std::string uriPath(const std::string& path) {
  static constexpr std::string_view kKeep = "-._~!$&'()*+,;=:@/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        kKeep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

Result<void> buildNbd(const Layer& layer, NetworkStorageNode& out) {
  TRY_ASSIGN(const DiskHost* host, oneHost(layer));
  out.props["driver"] = "nbd";
  TRY_ASSIGN(out.props["server"], socketAddress(layer, *host));
  if (!layer.src.name.empty())
    out.props["export"] = layer.src.name;
  return ok();
}

Result<void> buildIscsi(const Layer& layer, NetworkStorageNode& out) {
  TRY_ASSIGN(const DiskHost* host, oneHost(layer));
  std::string transport;
  if (host->transport.empty())
    transport = "tcp";
  else if (host->transport == "rdma")
    transport = "iser";
  else
    return unsupported(layer.where() + " cannot use transport '" + host->transport + "'");
  // "iqn.../1": the target, then the LUN (0 when absent).
  std::string target = layer.src.name;
  unsigned lun = 0;
  if (std::size_t slash = target.find('/'); slash != std::string::npos) {
    std::string lunText = target.substr(slash + 1);
    target.resize(slash);
    bool digits = !lunText.empty() && lunText.size() <= 9 &&
                  lunText.find_first_not_of("0123456789") == std::string::npos;
    if (!digits)
      return makeError(ErrorCode::XmlError, ErrorDomain::Qemu,
                       "cannot parse the LUN '" + lunText + "' of iSCSI source '" + layer.src.name +
                           "' (disk '" + layer.disk + "')");
    lun = static_cast<unsigned>(std::stoul(lunText));
  }
  std::string portal = isIpv6(host->name) ? "[" + host->name + "]" : host->name;
  out.props["driver"] = "iscsi";
  out.props["portal"] = portal + ":" + portText(*host);
  out.props["target"] = target;
  out.props["lun"] = lun;
  out.props["transport"] = transport;
  if (layer.src.auth) {
    TRY_ASSIGN(std::string secret, authSecret(layer, out));
    out.props["user"] = layer.src.auth->username;
    out.props["password-secret"] = secret;
  }
  if (!layer.src.initiatorIqn.empty())
    out.props["initiator-name"] = layer.src.initiatorIqn;
  return ok();
}

Result<void> buildRbd(const Layer& layer, NetworkStorageNode& out) {
  auto split = splitAtSlash(layer.src.name);
  if (!split)
    return cannotSplit(layer);
  out.props["driver"] = "rbd";
  out.props["pool"] = split->first;
  out.props["image"] = split->second;
  if (!layer.src.snapshot.empty())
    out.props["snapshot"] = layer.src.snapshot;
  if (!layer.src.configFile.empty())
    out.props["conf"] = layer.src.configFile;
  if (!layer.hosts.empty()) {
    ordered_json servers = ordered_json::array();
    for (const DiskHost& host : layer.hosts) {
      TRY(requireTcp(layer, host));
      servers.push_back(ordered_json{{"host", host.name}, {"port", portText(host)}});
    }
    out.props["server"] = std::move(servers);
  }
  if (layer.src.auth) {
    TRY_ASSIGN(std::string secret, authSecret(layer, out));
    out.props["user"] = layer.src.auth->username;
    out.props["auth-client-required"] = ordered_json::array({"cephx", "none"});
    out.props["key-secret"] = secret;
  }
  return ok();
}

Result<void> buildGluster(const Layer& layer, NetworkStorageNode& out) {
  if (layer.hosts.empty())
    return unsupported(layer.where() + " needs at least one <host>");
  auto split = splitAtSlash(layer.src.name);
  if (!split)
    return cannotSplit(layer);
  ordered_json servers = ordered_json::array();
  for (const DiskHost& host : layer.hosts) {
    TRY_ASSIGN(ordered_json server, socketAddress(layer, host));
    servers.push_back(std::move(server));
  }
  out.props["driver"] = "gluster";
  out.props["volume"] = split->first;
  out.props["path"] = split->second;
  out.props["server"] = std::move(servers);
  out.props["debug"] = kGlusterDebugLevel;
  return ok();
}

// QEMU's curl drivers: http, https, ftp, ftps.
Result<void> buildCurl(const Layer& layer, NetworkStorageNode& out) {
  TRY_ASSIGN(const DiskHost* host, oneHost(layer));
  TRY(requireTcp(layer, *host));
  std::string server = isIpv6(host->name) ? "[" + host->name + "]" : host->name;
  std::string path = layer.src.name;
  if (path.empty() || path.front() != '/')
    path.insert(0, "/");
  out.props["driver"] = layer.src.protocol;
  out.props["url"] = layer.src.protocol + "://" + server + ":" + portText(*host) + uriPath(path);
  if (layer.src.auth) {
    TRY_ASSIGN(std::string secret, authSecret(layer, out));
    out.props["username"] = layer.src.auth->username;
    out.props["password-secret"] = secret;
  }
  return ok();
}

struct Protocol {
  std::string_view name;
  unsigned defaultPort;  // 0: none
  bool takesAuth;
  Result<void> (*build)(const Layer&, NetworkStorageNode&);
};

constexpr std::array<Protocol, 8> kProtocols{{
    {"nbd", 10809, false, buildNbd},
    {"iscsi", 3260, true, buildIscsi},
    {"rbd", 0, true, buildRbd},
    {"gluster", 24007, false, buildGluster},
    {"http", 80, true, buildCurl},
    {"https", 443, true, buildCurl},
    {"ftp", 21, true, buildCurl},
    {"ftps", 990, true, buildCurl},
}};

}  // namespace

Result<NetworkStorageNode> buildNetworkStorageNode(const StorageSource& src,
                                                   const std::string& storageNode,
                                                   const std::string& diskTarget,
                                                   const QemuSecretContext& secrets) {
  if (src.protocol == "sheepdog")
    return unsupported("disk '" + diskTarget +
                       "' uses network protocol 'sheepdog', which QEMU no longer has (its "
                       "driver was removed in QEMU 6.0)");
  const Protocol* protocol = nullptr;
  for (const Protocol& p : kProtocols)
    if (p.name == src.protocol)
      protocol = &p;
  if (!protocol)
    return unsupported("disk '" + diskTarget + "' uses network protocol '" + src.protocol +
                       "', which Virtus' QEMU driver does not support");
  Layer layer{src, storageNode, diskTarget, secrets, src.hosts};
  for (DiskHost& host : layer.hosts)
    if (!host.port && host.transport != "unix" && protocol->defaultPort != 0)
      host.port = protocol->defaultPort;
  if (src.auth && !protocol->takesAuth)
    return unsupported(layer.where() + " does not take <auth>");
  NetworkStorageNode out;
  TRY(protocol->build(layer, out));
  return out;
}

}  // namespace virtus::qemu
