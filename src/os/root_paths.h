// Where Virtus keeps its files: one root directory with `--root DIR` (etc/, run/, lib/,
// log/ under it, the same tree as the system paths), the system paths for root, and a
// per-user tree (XDG directories, as libvirt's session mode) for everyone else.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace virtus::os {

struct RootPaths {
  std::string configDir;  // etc/            /etc/virtus
  std::string runDir;     // run/            /run/virtus
  std::string libDir;     // lib/            /var/lib/virtus
  std::string logDir;     // log/            /var/log/virtus
  // The directory given with --root; empty for the system or per-user trees.
  std::string root;

  std::string storageConfigDir() const { return configDir + "/storage"; }
  std::string storageAutostartDir() const { return configDir + "/storage/autostart"; }
  std::string storageStateDir() const { return runDir + "/storage"; }
  // Secret definitions (UUID.xml) and, apart from them, their values (UUID.base64).
  std::string secretConfigDir() const { return configDir + "/secrets"; }
  std::string secretValueDir() const { return libDir + "/secrets"; }
  // virtusd's files (docs/daemon.md).
  std::string daemonSocketPath() const { return runDir + "/virtus-sock"; }
  std::string daemonReadOnlySocketPath() const { return runDir + "/virtus-sock-ro"; }
  std::string daemonPidFilePath() const { return runDir + "/virtusd.pid"; }
  std::string daemonConfigPath() const { return configDir + "/virtusd.conf"; }

  // The tree under `--root DIR`.
  static RootPaths underRoot(const std::string& dir);
};

// What the defaults depend on, injected so that they can be tested.
struct UserEnvironment {
  bool privileged = false;  // effective uid 0
  std::string home;         // the user's home directory
  std::function<std::optional<std::string>(std::string_view)> getenv;
};

// The system tree for root; for other users XDG_CONFIG_HOME/virtus (~/.config/virtus),
// XDG_RUNTIME_DIR/virtus (else XDG_CACHE_HOME/virtus/run, ~/.cache/virtus/run),
// XDG_DATA_HOME/virtus (~/.local/share/virtus) and XDG_CACHE_HOME/virtus/log, mirroring
// libvirt's virGetUser{Config,Runtime,Data,Cache}Directory.
RootPaths defaultRootPaths(const UserEnvironment& env);

// The calling process's UserEnvironment (geteuid, getenv, the password database).
UserEnvironment processUserEnvironment();

// defaultRootPaths() for the calling process.
RootPaths processDefaultRootPaths();

}  // namespace virtus::os
