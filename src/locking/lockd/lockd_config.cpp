#include "locking/lockd/lockd_config.h"

#include <optional>

#include "common/conf_parser.h"
#include "common/conf_reader.h"

namespace virtus::locking {

Result<LockdConfig> parseLockdConfig(std::string_view text, std::string_view source) {
  TRY_ASSIGN(auto entries, parseConf(text, source));
  LockdConfig config;
  std::optional<bool> requireLease;
  for (const ConfEntry& entry : firstOfEachName(std::move(entries))) {
    const ConfReader reader(entry, source);
    if (entry.name == "auto_disk_leases") {
      TRY_ASSIGN(config.autoDiskLeases, reader.boolean());
    } else if (entry.name == "file_lockspace_dir") {
      TRY_ASSIGN(config.fileLockspaceDir, reader.string());
    } else if (entry.name == "lvm_lockspace_dir") {
      TRY_ASSIGN(config.lvmLockspaceDir, reader.string());
    } else if (entry.name == "scsi_lockspace_dir") {
      TRY_ASSIGN(config.scsiLockspaceDir, reader.string());
    } else if (entry.name == "host_name") {
      TRY_ASSIGN(config.hostName, reader.string());
    } else if (entry.name == "require_lease_for_disks") {
      TRY_ASSIGN(bool value, reader.boolean());
      requireLease = value;
    }
  }
  config.requireLeaseForDisks = requireLease.value_or(!config.autoDiskLeases);
  return config;
}

Result<LockdConfig> loadLockdConfig(os::FileSystem& fs, const std::string& path) {
  if (!fs.exists(path))
    return LockdConfig{};
  TRY_ASSIGN(std::string text, fs.readFile(path));
  return parseLockdConfig(text, path);
}

}  // namespace virtus::locking
