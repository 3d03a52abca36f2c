// libvirt connection URIs as the `virtus` client accepts them (`-c URI`):
//   qemu:///system, qemu:///session, qemu+unix:///system?socket=PATH,
//   test+unix:///default?socket=PATH       a daemon speaking libvirt's remote protocol
//   virtus:///embed?root=DIR               Virtus in-process on a root directory
// and what libvirt's remote driver derives from them: the unix socket it connects to and
// the name it sends in CONNECT_OPEN.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace virtus::rpc {

struct ConnectUri {
  std::string text;       // as given
  std::string driver;     // "qemu", "test", "virtus"
  std::string transport;  // "unix", or empty when the URI names none
  std::string host;       // empty for local URIs
  std::string path;       // "/system", "/session", "/default", "/embed"
  // Query parameters in order, percent-decoded.
  std::vector<std::pair<std::string, std::string>> params;

  std::optional<std::string> param(std::string_view name) const;
  // virtus:///embed: the in-process connection, no daemon.
  bool embedded() const { return driver == "virtus"; }
};

// Parses and checks a URI: a known driver, a transport Virtus can use (unix), no host, and
// for virtus:/// the path /embed with a root= parameter.
Result<ConnectUri> parseConnectUri(std::string_view text);

// The name the client sends in CONNECT_OPEN: the URI without its transport and without the
// parameters only the client uses (socket=, mode=, …), so "qemu+unix:///session?socket=S"
// opens "qemu:///session".
std::string connectOpenName(const ConnectUri& uri);

// What the default socket depends on, injected so that it can be tested.
struct SocketEnvironment {
  std::string home;
  std::function<std::optional<std::string>(std::string_view)> getenv;
};

// The unix socket libvirt 9.0's clients use for this URI: the socket= parameter, else the
// monolithic daemon's socket, chosen by the URI's path as the remote driver does:
// $XDG_RUNTIME_DIR/libvirt/libvirt-sock for /session (without XDG_RUNTIME_DIR,
// $XDG_CACHE_HOME/libvirt or ~/.cache/libvirt), /run/libvirt/libvirt-sock otherwise.
std::string unixSocketPath(const ConnectUri& uri, const SocketEnvironment& env);

// The calling process's SocketEnvironment.
SocketEnvironment processSocketEnvironment();

}  // namespace virtus::rpc
