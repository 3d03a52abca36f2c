#include "storage/backends/gluster/gluster_location.h"

namespace virtus::storage::gluster {

namespace {

Error xmlError(std::string message) {
  return makeError(ErrorCode::XmlError, ErrorDomain::Storage, std::move(message));
}

std::string authority(const GlusterLocation& loc) {
  std::string s;
  // An IPv6 literal needs brackets in a URI; a name or IPv4 address never has ':'.
  if (loc.host.find(':') != std::string::npos && loc.host.front() != '[') {
    s = "[" + loc.host + "]";
  } else {
    s = loc.host;
  }
  if (loc.port && *loc.port > 0)
    s += ":" + std::to_string(*loc.port);
  return s;
}

}  // namespace

Result<GlusterLocation> glusterLocationOf(const model::PoolDef& def) {
  const auto& src = def.source;
  if (src.hosts.size() != 1) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "Expected exactly 1 host for the storage pool '" + def.name + "'");
  }
  if (src.name.empty()) {
    return xmlError("gluster pool '" + def.name + "' names no gluster volume");
  }
  if (src.name.find('/') != std::string::npos) {
    return xmlError("gluster pool name '" + src.name + "' must not contain /");
  }
  GlusterLocation loc;
  loc.host = src.hosts[0].name;
  loc.port = src.hosts[0].port;
  loc.volume = src.name;
  if (src.dir.empty()) {
    loc.dir = "/";
  } else {
    if (src.dir.front() != '/') {
      return xmlError("gluster pool path '" + src.dir + "' must start with /");
    }
    loc.dir = src.dir;
    if (loc.dir.back() != '/')
      loc.dir += '/';
  }
  return loc;
}

std::string glusterUri(const GlusterLocation& loc, std::string_view pathInVolume) {
  std::string uri = "gluster://" + authority(loc) + "/" + loc.volume;
  if (pathInVolume.empty() || pathInVolume.front() != '/')
    uri += '/';
  uri += pathInVolume;
  return uri;
}

std::string glusterVolumeUri(const GlusterLocation& loc, std::string_view name) {
  return glusterUri(loc, loc.dir + std::string(name));
}

std::optional<std::string> pathInVolumeOf(const GlusterLocation& loc, std::string_view uriOrName) {
  if (uriOrName.empty())
    return std::nullopt;
  if (uriOrName.find("://") == std::string_view::npos) {
    if (uriOrName.front() == '/')
      return std::nullopt;  // a host path: not in the volume
    return loc.dir + std::string(uriOrName);
  }
  // Accept the URI with or without the port when the pool gives none (24007 is the default).
  std::string prefix = glusterUri(loc, "/");
  if (uriOrName.substr(0, prefix.size()) == prefix)
    return "/" + std::string(uriOrName.substr(prefix.size()));
  if (!loc.port) {
    GlusterLocation withPort = loc;
    withPort.port = 24007;
    prefix = glusterUri(withPort, "/");
    if (uriOrName.substr(0, prefix.size()) == prefix)
      return "/" + std::string(uriOrName.substr(prefix.size()));
  }
  return std::nullopt;
}

}  // namespace virtus::storage::gluster
