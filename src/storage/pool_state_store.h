// The pool manager's files (DESIGN.md "State on disk"): persistent definitions
// etc/storage/NAME.xml, runtime state run/storage/NAME.xml of active pools (their live
// definition), and autostart links etc/storage/autostart/NAME.xml -> ../NAME.xml.
// Every file is written atomically through FileSystem::writeFileAtomic.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/file_system.h"
#include "os/root_paths.h"

namespace virtus::storage {

struct LoadedPoolConfig {
  model::PoolDef def;
  bool autostart = false;
};

// What a scan of the directories found. Broken files are reported in `problems`, never
// deleted.
struct LoadedPools {
  std::vector<LoadedPoolConfig> configs;
  std::vector<model::PoolDef> states;
  std::vector<Error> problems;
};

class PoolStateStore {
 public:
  PoolStateStore(os::FileSystem& fs, os::RootPaths paths);

  std::string configPath(const std::string& name) const;
  std::string statePath(const std::string& name) const;
  std::string autostartLinkPath(const std::string& name) const;

  Result<void> saveConfig(const model::PoolDef& def);
  Result<void> deleteConfig(const std::string& name);
  Result<void> saveState(const model::PoolDef& def);
  // Best effort, as libvirt's unlink of the state file: a missing file is fine.
  void removeState(const std::string& name);
  Result<void> setAutostart(const std::string& name, bool autostart);
  // Removes the link if present; errors other than "not there" are returned.
  Result<void> removeAutostart(const std::string& name);
  bool isAutostart(const std::string& name);

  LoadedPools loadAll();

 private:
  Result<void> ensureDir(const std::string& dir);

  os::FileSystem& fs_;
  os::RootPaths paths_;
};

}  // namespace virtus::storage
