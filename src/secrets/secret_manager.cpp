#include "secrets/secret_manager.h"

#include "common/check_flags.h"
#include "model/secret/secret_xml.h"
#include "model/xml/xml_reader.h"

namespace virtus::secrets {

namespace {

using driver::SecretHandle;
namespace list = driver::secret_list;

constexpr unsigned kListFilters =
    list::kEphemeral | list::kNoEphemeral | list::kPrivate | list::kNoPrivate;

Error secretError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Secret, std::move(message));
}

// virCheckFlags, naming libvirt's driver function so the text matches libvirtd's.
Result<void> checkFlags(unsigned flags, unsigned allowed, const char* function) {
  return virtus::checkFlags(flags, allowed, function, ErrorDomain::Secret);
}

Error noSuchUuid(const Uuid& uuid) {
  return secretError(ErrorCode::NoSecret, "no secret with matching uuid '" + uuid.str() + "'");
}

SecretHandle handleOf(const model::SecretDef& def) {
  return SecretHandle{*def.uuid, def.usageType, def.usageId};
}

bool matchesFlags(const model::SecretDef& def, unsigned flags) {
  if ((flags & (list::kEphemeral | list::kNoEphemeral)) != 0) {
    bool wanted = def.isEphemeral ? (flags & list::kEphemeral) : (flags & list::kNoEphemeral);
    if (!wanted)
      return false;
  }
  if ((flags & (list::kPrivate | list::kNoPrivate)) != 0) {
    bool wanted = def.isPrivate ? (flags & list::kPrivate) : (flags & list::kNoPrivate);
    if (!wanted)
      return false;
  }
  return true;
}

}  // namespace

SecretManager::SecretManager(os::FileSystem& fs, os::RootPaths paths, std::string schemaDir)
    : paths_(paths), schemaDir_(std::move(schemaDir)), store_(fs, std::move(paths)) {}

std::vector<Error> SecretManager::loadState() {
  std::lock_guard change(changeMutex_);
  LoadedSecrets loaded = store_.loadAll();
  std::map<Uuid, Entry> fresh;
  for (auto& secret : loaded.secrets) {
    const auto& def = secret.def;
    bool clash = false;
    if (def.usageType != driver::SecretUsageType::None) {
      for (const auto& [uuid, other] : fresh) {
        if (other.def.usageType == def.usageType && other.def.usageId == def.usageId) {
          loaded.problems.push_back(secretError(
              ErrorCode::InternalError, "cannot load secret file '" + store_.configPath(*def.uuid) +
                                            "': a secret with UUID " + uuid.str() +
                                            " already defined for use with " + def.usageId));
          clash = true;
          break;
        }
      }
    }
    if (!clash)
      fresh.emplace(*def.uuid, Entry{std::move(secret.def), std::move(secret.value)});
  }
  std::lock_guard lock(mutex_);
  secrets_ = std::move(fresh);
  return std::move(loaded.problems);
}

const SecretManager::Entry* SecretManager::findLocked(const Uuid& uuid) const {
  auto it = secrets_.find(uuid);
  return it == secrets_.end() ? nullptr : &it->second;
}

const SecretManager::Entry* SecretManager::findByUsageLocked(driver::SecretUsageType type,
                                                             std::string_view usageId,
                                                             const Uuid* except) const {
  // Secrets without a usage never match, as in libvirt.
  if (type == driver::SecretUsageType::None)
    return nullptr;
  for (const auto& [uuid, entry] : secrets_) {
    if (except && uuid == *except)
      continue;
    if (entry.def.usageType == type && entry.def.usageId == usageId)
      return &entry;
  }
  return nullptr;
}

Result<SecretManager::Entry> SecretManager::snapshot(const Uuid& uuid) {
  std::lock_guard lock(mutex_);
  const Entry* entry = findLocked(uuid);
  if (!entry)
    return noSuchUuid(uuid);
  return *entry;
}

Result<void> SecretManager::checkDefineLocked(const model::SecretDef& def) const {
  const Uuid& uuid = *def.uuid;
  if (const Entry* existing = findLocked(uuid)) {
    // libvirt compares only the id: a new type with the same id is an update.
    if (existing->def.usageId != def.usageId) {
      return secretError(ErrorCode::InternalError, "a secret with UUID " + uuid.str() +
                                                       " is already defined for use with " +
                                                       existing->def.usageId);
    }
    if (existing->def.isPrivate && !def.isPrivate) {
      return secretError(ErrorCode::InternalError, "cannot change private flag on existing secret");
    }
  }
  // libvirt checks other secrets' usage only for a new UUID; checking on updates too keeps
  // lookups by usage unambiguous (an update that changes the type could otherwise collide).
  if (const Entry* other = findByUsageLocked(def.usageType, def.usageId, &uuid)) {
    return secretError(ErrorCode::InternalError, "a secret with UUID " + other->def.uuid->str() +
                                                     " already defined for use with " +
                                                     def.usageId);
  }
  return ok();
}

Result<std::vector<SecretHandle>> SecretManager::listAllSecrets(unsigned flags) {
  TRY(checkFlags(flags, kListFilters, "secretConnectListAllSecrets"));
  std::vector<SecretHandle> out;
  std::lock_guard lock(mutex_);
  for (const auto& [uuid, entry] : secrets_) {
    if (matchesFlags(entry.def, flags))
      out.push_back(handleOf(entry.def));
  }
  return out;
}

Result<SecretHandle> SecretManager::lookupSecretByUuid(const Uuid& uuid) {
  std::lock_guard lock(mutex_);
  const Entry* entry = findLocked(uuid);
  if (!entry)
    return noSuchUuid(uuid);
  return handleOf(entry->def);
}

Result<SecretHandle> SecretManager::lookupSecretByUsage(driver::SecretUsageType type,
                                                        std::string_view usageId) {
  std::lock_guard lock(mutex_);
  const Entry* entry = findByUsageLocked(type, usageId, nullptr);
  if (!entry) {
    return secretError(ErrorCode::NoSecret,
                       "no secret with matching usage '" + std::string(usageId) + "'");
  }
  return handleOf(entry->def);
}

Result<SecretHandle> SecretManager::defineSecret(std::string_view xml, unsigned flags) {
  TRY(checkFlags(flags, driver::secret_define::kValidate, "secretDefineXML"));
  if (flags & driver::secret_define::kValidate) {
    // libvirt validates after the document parsed and its root matched.
    TRY(model::parseXmlDocument(xml, "secret", model::kSecretDocName, ErrorDomain::Secret));
    TRY(model::validateAgainstSchema(xml, model::kSecretSchema, schemaDir_));
  }
  TRY_ASSIGN(model::SecretDef def, model::readSecretXml(xml));
  if (!def.uuid)
    def.uuid = Uuid::generate();
  const Uuid uuid = *def.uuid;

  std::lock_guard change(changeMutex_);
  std::optional<Entry> old;
  {
    std::lock_guard lock(mutex_);
    TRY(checkDefineLocked(def));
    if (const Entry* existing = findLocked(uuid))
      old = *existing;
  }

  // Nothing changes in memory until the files are right, so a failure leaves the old state.
  if (!def.isEphemeral) {
    bool wasEphemeral = old && old->def.isEphemeral;
    bool savedValue = false;
    if (wasEphemeral && old->value) {
      TRY(store_.saveValue(uuid, *old->value));
      savedValue = true;
    }
    if (auto saved = store_.saveConfig(def); !saved) {
      if (savedValue)
        store_.deleteValue(uuid);
      return std::move(saved).error();
    }
  } else if (old && !old->def.isEphemeral) {
    // libvirt 9.0 leaves the old definition file behind here (it checks the new, ephemeral
    // flag before unlinking); an ephemeral secret must not survive a restart, so remove it.
    TRY(store_.deleteConfig(uuid));
    store_.deleteValue(uuid);
  }

  SecretHandle handle = handleOf(def);
  std::lock_guard lock(mutex_);
  Entry& entry = secrets_[uuid];
  entry.def = std::move(def);
  return handle;
}

Result<std::string> SecretManager::secretXml(const SecretHandle& secret, unsigned flags) {
  TRY(checkFlags(flags, 0, "secretGetXMLDesc"));
  std::lock_guard lock(mutex_);
  const Entry* entry = findLocked(secret.uuid);
  if (!entry)
    return noSuchUuid(secret.uuid);
  return model::formatSecretXml(entry->def);
}

Result<void> SecretManager::setSecretValue(const SecretHandle& secret, std::string_view value,
                                           unsigned flags) {
  TRY(checkFlags(flags, 0, "secretSetValue"));
  std::lock_guard change(changeMutex_);
  TRY_ASSIGN(Entry current, snapshot(secret.uuid));
  // libvirt keeps a zero-length value as "no value" (its copy of it is NULL).
  std::optional<std::string> stored;
  if (!value.empty())
    stored = std::string(value);
  if (!current.def.isEphemeral) {
    if (stored)
      TRY(store_.saveValue(secret.uuid, *stored));
    else
      store_.deleteValue(secret.uuid);
  }
  std::lock_guard lock(mutex_);
  auto it = secrets_.find(secret.uuid);
  if (it != secrets_.end())
    it->second.value = std::move(stored);
  return ok();
}

Result<std::string> SecretManager::secretValue(const SecretHandle& secret, unsigned flags,
                                               bool internal) {
  TRY(checkFlags(flags, 0, "secretGetValue"));
  std::lock_guard lock(mutex_);
  const Entry* entry = findLocked(secret.uuid);
  if (!entry)
    return noSuchUuid(secret.uuid);
  if (!internal && entry->def.isPrivate)
    return secretError(ErrorCode::InvalidSecret, "secret is private");
  if (!entry->value) {
    return secretError(ErrorCode::NoSecret,
                       "secret '" + secret.uuid.str() + "' does not have a value");
  }
  return *entry->value;
}

Result<void> SecretManager::undefineSecret(const SecretHandle& secret) {
  std::lock_guard change(changeMutex_);
  TRY_ASSIGN(Entry current, snapshot(secret.uuid));
  if (!current.def.isEphemeral)
    TRY(store_.deleteConfig(secret.uuid));
  store_.deleteValue(secret.uuid);
  std::lock_guard lock(mutex_);
  secrets_.erase(secret.uuid);
  return ok();
}

}  // namespace virtus::secrets
