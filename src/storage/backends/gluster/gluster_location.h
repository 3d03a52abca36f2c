// Where a gluster pool lives (host, port, gluster volume, directory inside it) and the URIs
// that name its files: libvirt's gluster backend reports volume keys and target paths as
// gluster://HOST[:PORT]/VOLUME/DIR/NAME, the form qemu's gluster driver accepts. Pure
// functions, no gfapi.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"

namespace virtus::storage::gluster {

struct GlusterLocation {
  std::string host;         // as written in the pool's <host name=>
  std::optional<int> port;  // absent: gfapi's default (24007)
  std::string volume;       // the gluster volume (<source><name>), never with '/'
  std::string dir;          // inside the volume: "/" or "/sub/dir/", always both slashes
  bool operator==(const GlusterLocation&) const = default;
};

// The location a pool definition names. VIR_ERR_XML_ERROR, as libvirt, for a volume name
// with '/' or a directory not starting with '/'; VIR_ERR_CONFIG_UNSUPPORTED without exactly
// one host.
Result<GlusterLocation> glusterLocationOf(const model::PoolDef& def);

// gluster://HOST[:PORT]/VOLUME + path, where path starts with '/' (a path inside the
// volume). An IPv6 address is bracketed; a port is written only when the pool gives one.
std::string glusterUri(const GlusterLocation& loc, std::string_view pathInVolume);

// The URI of entry `name` of the pool's directory (a volume's key and target path).
std::string glusterVolumeUri(const GlusterLocation& loc, std::string_view name);

// The path inside the gluster volume of `uriOrName`: a URI of this location's host and
// volume (any directory), or a name relative to the pool's directory. nullopt for anything
// else (another host, another volume, another scheme).
std::optional<std::string> pathInVolumeOf(const GlusterLocation& loc, std::string_view uriOrName);

}  // namespace virtus::storage::gluster
