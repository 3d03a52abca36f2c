// virtusd.conf: the daemon's settings, read from libvirt's conf syntax with libvirtd.conf's
// key names where libvirtd has the same setting. Every key is documented in docs/daemon.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::daemon {

struct DaemonConfig {
  // Group owning both sockets; empty keeps the daemon's own group.
  std::string unixSockGroup;
  unsigned unixSockRoPerms = 0666;
  unsigned unixSockRwPerms = 0600;
  unsigned maxClients = 5000;
  unsigned maxWorkers = 4;
  // Seconds between keepalive probes; -1 turns keepalive off (libvirtd's convention).
  int keepaliveInterval = 5;
  unsigned keepaliveCount = 5;
  bool listenLibvirtPaths = false;
  // libvirt's levels: 1 debug, 2 info, 3 warning, 4 error.
  unsigned logLevel = 3;
  std::string logOutputs;  // stored, not yet used: logging goes to stderr
  // Virtus's own: seconds any one exchange with network storage (Ceph, Gluster, an iSCSI
  // target) may take before it fails and the pool is marked unhealthy.
  unsigned storageTimeout = 30;

  bool operator==(const DaemonConfig&) const = default;
};

// Parses and checks virtusd.conf text; `source` names the file in messages. Syntax errors
// and unknown keys are VIR_ERR_CONF_SYNTAX, values of the wrong kind or range
// VIR_ERR_CONF_SYNTAX too, all as "SOURCE:LINE: reason". As in libvirt, the first of
// repeated keys wins.
Result<DaemonConfig> parseDaemonConfig(std::string_view text, std::string_view source);

// Reads the file at `path`. A missing file gives the defaults unless `required` (the user
// named it), when it is an error.
Result<DaemonConfig> loadDaemonConfig(os::FileSystem& fs, const std::string& path, bool required);

// The keys whose change between `before` and `after` only a restart applies (everything
// but the logging keys), in the order of docs/daemon.md; for SIGHUP's report.
std::vector<std::string> settingsNeedingRestart(const DaemonConfig& before,
                                                const DaemonConfig& after);

}  // namespace virtus::daemon
