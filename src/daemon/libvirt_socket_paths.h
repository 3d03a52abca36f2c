// Where libvirt's clients look for a daemon when the URI names no socket, so that
// `--listen-libvirt-paths` lets plain `virsh -c qemu:///system` (root) or
// `qemu:///session` (other users) reach virtusd.
//
// libvirt 9.0's remote driver (remote_sockets.c) builds, for a privileged URI,
// LOCALSTATEDIR/run/libvirt/<prefix>-sock and -sock-ro, and for a session URI
// <user runtime dir>/<prefix>-sock, where the user runtime dir is $XDG_RUNTIME_DIR/libvirt
// or else the user cache dir ($XDG_CACHE_HOME/libvirt, ~/.cache/libvirt). The prefix is
// "virtqemud" (modular daemons) when that socket exists, else "libvirt" (the monolithic
// libvirtd) when that one exists: listening on libvirt-sock suffices unless a
// virtqemud socket is also present.
#pragma once

#include <string>
#include <vector>

#include "os/root_paths.h"

namespace virtus::daemon {

struct LibvirtSocketPath {
  std::string path;
  bool readOnly = false;
};

// The read-write socket, and for root the read-only one (a session daemon has none).
std::vector<LibvirtSocketPath> libvirtSocketPaths(const os::UserEnvironment& env);

}  // namespace virtus::daemon
