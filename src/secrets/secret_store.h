// The secret manager's files (DESIGN.md "State on disk"): definitions in
// etc/secrets/UUID.xml, values base64-encoded in lib/secrets/UUID.base64, both mode 0600
// in directories of mode 0700, written atomically through FileSystem::writeFileAtomic.
// Ephemeral secrets never reach this class.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/secret/secret_def.h"
#include "os/file_system.h"
#include "os/root_paths.h"

namespace virtus::secrets {

struct LoadedSecret {
  model::SecretDef def;  // def.uuid is set and matches the file name
  std::optional<std::string> value;
};

// What a scan found. Broken files are reported in `problems`, never deleted.
struct LoadedSecrets {
  std::vector<LoadedSecret> secrets;
  std::vector<Error> problems;
};

class SecretStore {
 public:
  SecretStore(os::FileSystem& fs, os::RootPaths paths);

  std::string configPath(const Uuid& uuid) const;
  std::string valuePath(const Uuid& uuid) const;

  Result<void> saveConfig(const model::SecretDef& def);
  // A missing file is fine; other failures are "cannot unlink 'PATH': reason", as libvirt.
  Result<void> deleteConfig(const Uuid& uuid);
  Result<void> saveValue(const Uuid& uuid, std::string_view value);
  // Best effort, as libvirt: once the definition is gone the value is never loaded again.
  void deleteValue(const Uuid& uuid);

  // Definitions in file-name order, each with its value when one is stored.
  LoadedSecrets loadAll();

 private:
  Result<void> ensureDir(const std::string& dir);
  Result<std::optional<std::string>> loadValue(const Uuid& uuid);

  os::FileSystem& fs_;
  os::RootPaths paths_;
};

}  // namespace virtus::secrets
