// The secret manager: libvirt's secret driver (src/secret/secret_driver.c,
// src/conf/virsecretobj.c) on a root directory, through SecretStore's files. Ephemeral
// secrets live only in memory.
//
// Thread-safe: the daemon calls it from several worker threads. Changes (define, set value,
// undefine) are serialized by one mutex held across their file writes; the map of secrets has
// its own mutex, held only for short in-memory steps, so lookups, lists and reads never wait
// on the disk.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "driver/secret_driver.h"
#include "model/secret/secret_def.h"
#include "model/xml/schema_validator.h"
#include "os/file_system.h"
#include "os/root_paths.h"
#include "secrets/secret_store.h"

namespace virtus::secrets {

class SecretManager final : public driver::SecretDriver {
 public:
  // `schemaDir` holds libvirt's secret.rng, for define with secret_define::kValidate.
  SecretManager(os::FileSystem& fs, os::RootPaths paths,
                std::string schemaDir = std::string(model::kLibvirtSchemaDir));

  // Reads the definitions and values on disk, replacing what is in memory. Broken files
  // (and secrets whose usage another loaded secret already has) are reported and skipped,
  // never deleted.
  std::vector<Error> loadState();

  Result<std::vector<driver::SecretHandle>> listAllSecrets(unsigned flags) override;
  Result<driver::SecretHandle> lookupSecretByUuid(const Uuid& uuid) override;
  Result<driver::SecretHandle> lookupSecretByUsage(driver::SecretUsageType type,
                                                   std::string_view usageId) override;
  Result<driver::SecretHandle> defineSecret(std::string_view xml, unsigned flags) override;
  Result<std::string> secretXml(const driver::SecretHandle& secret, unsigned flags) override;
  Result<void> setSecretValue(const driver::SecretHandle& secret, std::string_view value,
                              unsigned flags) override;
  Result<std::string> secretValue(const driver::SecretHandle& secret, unsigned flags,
                                  bool internal = false) override;
  Result<void> undefineSecret(const driver::SecretHandle& secret) override;

  const os::RootPaths& paths() const { return paths_; }
  const SecretStore& store() const { return store_; }

 private:
  struct Entry {
    model::SecretDef def;  // def.uuid is always set
    std::optional<std::string> value;
  };

  // With mutex_ held.
  const Entry* findLocked(const Uuid& uuid) const;
  const Entry* findByUsageLocked(driver::SecretUsageType type, std::string_view usageId,
                                 const Uuid* except) const;
  Result<void> checkDefineLocked(const model::SecretDef& def) const;
  // A copy of the entry, or VIR_ERR_NO_SECRET.
  Result<Entry> snapshot(const Uuid& uuid);

  os::RootPaths paths_;
  std::string schemaDir_;
  SecretStore store_;
  std::mutex changeMutex_;  // serializes define / setValue / undefine, across their I/O
  std::mutex mutex_;        // guards secrets_
  std::map<Uuid, Entry> secrets_;
};

}  // namespace virtus::secrets
