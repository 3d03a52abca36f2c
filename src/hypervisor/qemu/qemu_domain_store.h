// The QEMU driver's files (DESIGN.md "State on disk"): persistent definitions
// etc/qemu/NAME.xml, autostart links etc/qemu/autostart/NAME.xml -> ../NAME.xml, and for each
// running domain its runtime state run/qemu/NAME.xml (pid, id, monitor socket and live
// definition, in a <domstatus> element like libvirt's) beside its monitor socket
// run/qemu/NAME.monitor; QEMU's output goes to log/qemu/NAME.log. Every XML file is written
// atomically through FileSystem::writeFileAtomic.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/result.h"
#include "hypervisor/qemu/qemu_command_secret.h"
#include "model/domain/domain_def.h"
#include "os/file_system.h"
#include "os/root_paths.h"

namespace virtus::qemu {

// What virtusd must know to find a running QEMU again.
struct QemuRuntimeState {
  pid_t pid = -1;
  int id = -1;
  std::string monitorPath;
  // The state and reason when the file was written (virDomainState and its reason), so
  // that a restarted daemon reports the same reason while QEMU's status agrees.
  int state = 0;
  int reason = 0;
  model::DomainDef def;  // the live definition
};

struct LoadedQemuConfig {
  model::DomainDef def;
  bool autostart = false;
};

// What a scan of the directories found. Broken files are reported in `problems`, never
// deleted.
struct LoadedQemuDomains {
  std::vector<LoadedQemuConfig> configs;
  std::vector<QemuRuntimeState> states;
  std::vector<Error> problems;
};

// The <domstatus> document of a runtime state, and back.
std::string formatRuntimeState(const QemuRuntimeState& state);
Result<QemuRuntimeState> parseRuntimeState(std::string_view xml);

class QemuDomainStore {
 public:
  QemuDomainStore(os::FileSystem& fs, os::RootPaths paths);

  std::string configDir() const;
  std::string autostartDir() const;
  std::string stateDir() const;
  std::string logDir() const;
  std::string configPath(const std::string& name) const;
  std::string autostartLinkPath(const std::string& name) const;
  std::string statePath(const std::string& name) const;
  std::string monitorPath(const std::string& name) const;
  std::string logPath(const std::string& name) const;
  // Where the secrets of a starting domain's disks wait for QEMU to read them (mode 0700).
  std::string secretDir(const std::string& name) const;

  Result<void> saveConfig(const model::DomainDef& def);
  // A missing file is fine.
  Result<void> deleteConfig(const std::string& name);
  Result<void> saveState(const QemuRuntimeState& state);
  // Best effort: the state file, the monitor socket and the secret files; missing ones are
  // fine.
  void removeState(const std::string& name);
  // Writes each secret to its file (mode 0600) in a new secretDir(name) of mode 0700.
  Result<void> writeSecrets(const std::string& name, const std::vector<QemuSecretObject>& secrets);
  // Best effort: the secret files of `name` and their directory.
  void removeSecrets(const std::string& name);
  Result<void> setAutostart(const std::string& name, bool autostart);
  bool isAutostart(const std::string& name);
  // Creates run/qemu and log/qemu.
  Result<void> ensureRuntimeDirs();

  LoadedQemuDomains loadAll();

 private:
  Result<void> ensureDir(const std::string& dir);

  os::FileSystem& fs_;
  os::RootPaths paths_;
};

}  // namespace virtus::qemu
