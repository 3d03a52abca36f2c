// The connection the CLI runs on: a daemon speaking libvirt's remote protocol (virtusd,
// libvirtd) for `-c qemu:///…` or `test:///…` URIs, or the in-process storage manager on a
// root directory (`--root DIR`, `-c virtus:///embed?root=DIR`, or the default tree).
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "driver/connection.h"

namespace virtus::cli {

// What the global options asked for.
struct ConnectTarget {
  std::optional<std::string> root;  // --root DIR
  std::optional<std::string> uri;   // -c/--connect URI
};

// The environment variable naming the URI used when neither --root nor -c is given.
inline constexpr const char* kDefaultUriVariable = "VIRTUS_DEFAULT_URI";

// Opens what `target` names; with neither option, the URI in VIRTUS_DEFAULT_URI, else the
// in-process connection on the default tree (system paths for root, per-user otherwise).
Result<driver::ConnectionPtr> openConnection(const ConnectTarget& target);

}  // namespace virtus::cli
