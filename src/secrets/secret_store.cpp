#include "secrets/secret_store.h"

#include <algorithm>

#include "common/base64.h"
#include "model/secret/secret_xml.h"

namespace virtus::secrets {

namespace {

constexpr std::uint32_t kDirMode = 0700;
constexpr std::uint32_t kFileMode = 0600;
Error secretError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Secret, std::move(message));
}

}  // namespace

SecretStore::SecretStore(os::FileSystem& fs, os::RootPaths paths)
    : fs_(fs), paths_(std::move(paths)) {}

std::string SecretStore::configPath(const Uuid& uuid) const {
  return paths_.secretConfigDir() + "/" + uuid.str() + ".xml";
}

std::string SecretStore::valuePath(const Uuid& uuid) const {
  return paths_.secretValueDir() + "/" + uuid.str() + ".base64";
}

Result<void> SecretStore::ensureDir(const std::string& dir) {
  if (fs_.exists(dir))
    return ok();
  return fs_.makeDirectories(dir, kDirMode);
}

Result<void> SecretStore::saveConfig(const model::SecretDef& def) {
  TRY(ensureDir(paths_.secretConfigDir()));
  return fs_.writeFileAtomic(configPath(*def.uuid), model::formatSecretXml(def), kFileMode);
}

Result<void> SecretStore::deleteConfig(const Uuid& uuid) {
  auto path = configPath(uuid);
  if (!fs_.exists(path))
    return ok();
  if (auto removed = fs_.removeFile(path); !removed) {
    return secretError(ErrorCode::SystemError,
                       "cannot unlink '" + path + "': " + removed.error().message);
  }
  return ok();
}

Result<void> SecretStore::saveValue(const Uuid& uuid, std::string_view value) {
  TRY(ensureDir(paths_.secretValueDir()));
  return fs_.writeFileAtomic(valuePath(uuid), encodeBase64(value), kFileMode);
}

void SecretStore::deleteValue(const Uuid& uuid) {
  auto path = valuePath(uuid);
  if (fs_.exists(path))
    (void)fs_.removeFile(path);
}

Result<std::optional<std::string>> SecretStore::loadValue(const Uuid& uuid) {
  auto path = valuePath(uuid);
  if (!fs_.exists(path))
    return std::optional<std::string>();
  TRY_ASSIGN(std::string text, fs_.readFile(path));
  auto value = decodeBase64(text);
  if (!value)
    return secretError(ErrorCode::InternalError, "invalid base64 in '" + path + "'");
  return std::optional<std::string>(std::move(*value));
}

LoadedSecrets SecretStore::loadAll() {
  LoadedSecrets loaded;
  for (const os::XmlFile& file : os::readXmlFiles(fs_, paths_.secretConfigDir(), loaded.problems)) {
    const std::string& entry = file.name;
    auto report = [&](Error e) {
      e.message = "cannot load secret file '" + file.path + "': " + e.text();
      loaded.problems.push_back(std::move(e));
    };
    auto def = model::readSecretXml(file.text);
    if (!def) {
      report(std::move(def).error());
      continue;
    }
    // libvirt generates a UUID for a file without one, which then cannot match its name.
    if (!def->uuid || def->uuid->str() + ".xml" != entry) {
      report(secretError(ErrorCode::InternalError,
                         "<uuid> does not match secret file name '" + entry + "'"));
      continue;
    }
    auto value = loadValue(*def->uuid);
    if (!value) {
      report(std::move(value).error());
      continue;
    }
    loaded.secrets.push_back({std::move(*def), std::move(*value)});
  }
  return loaded;
}

}  // namespace virtus::secrets
