#include "storage/pool_state_store.h"

#include <algorithm>

#include "storage/storage_xml.h"

namespace virtus::storage {

namespace {

std::string stem(const std::string& fileName) {
  return fileName.substr(0, fileName.size() - 4);
}

}  // namespace

PoolStateStore::PoolStateStore(os::FileSystem& fs, os::RootPaths paths)
    : fs_(fs), paths_(std::move(paths)) {}

std::string PoolStateStore::configPath(const std::string& name) const {
  return paths_.storageConfigDir() + "/" + name + ".xml";
}
std::string PoolStateStore::statePath(const std::string& name) const {
  return paths_.storageStateDir() + "/" + name + ".xml";
}
std::string PoolStateStore::autostartLinkPath(const std::string& name) const {
  return paths_.storageAutostartDir() + "/" + name + ".xml";
}

Result<void> PoolStateStore::ensureDir(const std::string& dir) {
  if (fs_.exists(dir))
    return ok();
  return fs_.makeDirectories(dir, 0755);
}

Result<void> PoolStateStore::saveConfig(const model::PoolDef& def) {
  TRY(ensureDir(paths_.storageConfigDir()));
  return fs_.writeFileAtomic(configPath(def.name), formatPoolDefinition(def), 0600);
}

Result<void> PoolStateStore::deleteConfig(const std::string& name) {
  auto path = configPath(name);
  if (!fs_.exists(path))
    return ok();
  return fs_.removeFile(path);
}

Result<void> PoolStateStore::saveState(const model::PoolDef& def) {
  TRY(ensureDir(paths_.storageStateDir()));
  return fs_.writeFileAtomic(statePath(def.name), formatPoolDefinition(def), 0600);
}

void PoolStateStore::removeState(const std::string& name) {
  auto path = statePath(name);
  if (fs_.exists(path))
    (void)fs_.removeFile(path);
}

bool PoolStateStore::isAutostart(const std::string& name) {
  return static_cast<bool>(fs_.lstat(autostartLinkPath(name)));
}

Result<void> PoolStateStore::removeAutostart(const std::string& name) {
  if (!isAutostart(name))
    return ok();
  auto path = autostartLinkPath(name);
  if (auto removed = fs_.removeFile(path); !removed) {
    return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                     "Failed to delete symlink '" + path + "': " + removed.error().message);
  }
  return ok();
}

Result<void> PoolStateStore::setAutostart(const std::string& name, bool autostart) {
  if (!autostart)
    return removeAutostart(name);
  if (isAutostart(name))
    return ok();
  auto dir = paths_.storageAutostartDir();
  if (auto made = ensureDir(dir); !made) {
    return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                     "cannot create autostart directory " + dir + ": " + made.error().message);
  }
  // Relative, so that a root directory keeps working when moved or bind-mounted.
  std::string target = "../" + name + ".xml";
  auto link = autostartLinkPath(name);
  if (auto linked = fs_.symlink(target, link); !linked) {
    return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                     "Failed to create symlink '" + link + "' to '" + configPath(name) +
                         "': " + linked.error().message);
  }
  return ok();
}

LoadedPools PoolStateStore::loadAll() {
  LoadedPools loaded;
  auto scan = [&](const std::string& dir, bool isConfig) {
    for (const os::XmlFile& file : os::readXmlFiles(fs_, dir, loaded.problems)) {
      const std::string& path = file.path;
      auto def = parsePoolDefinition(file.text, false);
      if (!def) {
        Error e = std::move(def).error();
        e.message = "cannot load storage pool file '" + path + "': " + e.text();
        loaded.problems.push_back(std::move(e));
        continue;
      }
      if (def->name != stem(file.name)) {
        loaded.problems.push_back(makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                                            "Storage pool config filename '" + path +
                                                "' does not match pool name '" + def->name + "'"));
        continue;
      }
      if (isConfig) {
        bool autostart = isAutostart(def->name);
        loaded.configs.push_back({std::move(*def), autostart});
      } else {
        loaded.states.push_back(std::move(*def));
      }
    }
  };
  scan(paths_.storageStateDir(), false);
  scan(paths_.storageConfigDir(), true);
  return loaded;
}

}  // namespace virtus::storage
