#include "hypervisor/qemu/qemu_domain_store.h"

#include <algorithm>
#include <sstream>

#include <pugixml.hpp>

#include "model/domain/domain_xml.h"

namespace virtus::qemu {

namespace {

Error stateError(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Qemu, std::move(message));
}

}  // namespace

std::string formatRuntimeState(const QemuRuntimeState& state) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("domstatus");
  root.append_attribute("pid") = static_cast<long long>(state.pid);
  root.append_attribute("id") = state.id;
  root.append_attribute("state") = state.state;
  root.append_attribute("reason") = state.reason;
  pugi::xml_node monitor = root.append_child("monitor");
  monitor.append_attribute("path") = state.monitorPath.c_str();
  monitor.append_attribute("type") = "unix";
  pugi::xml_document domain;
  if (domain.load_string(model::formatDomainXml(state.def).c_str()))
    root.append_copy(domain.document_element());
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return out.str();
}

Result<QemuRuntimeState> parseRuntimeState(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size()))
    return stateError("malformed domain status document");
  pugi::xml_node root = doc.child("domstatus");
  pugi::xml_node domain = root.child("domain");
  if (!root || !domain || !root.attribute("pid") || !root.child("monitor").attribute("path"))
    return stateError("incomplete domain status document");
  QemuRuntimeState state;
  state.pid = static_cast<pid_t>(root.attribute("pid").as_llong(-1));
  state.id = root.attribute("id").as_int(-1);
  state.state = root.attribute("state").as_int(0);
  state.reason = root.attribute("reason").as_int(0);
  state.monitorPath = root.child("monitor").attribute("path").value();
  std::ostringstream text;
  domain.print(text, "  ");
  TRY_ASSIGN(state.def, model::parseDomainXml(text.str()));
  if (state.pid <= 0 || state.monitorPath.empty())
    return stateError("domain status document without a pid or a monitor");
  return state;
}

QemuDomainStore::QemuDomainStore(os::FileSystem& fs, os::RootPaths paths)
    : fs_(fs), paths_(std::move(paths)) {}

std::string QemuDomainStore::configDir() const {
  return paths_.configDir + "/qemu";
}
std::string QemuDomainStore::autostartDir() const {
  return configDir() + "/autostart";
}
std::string QemuDomainStore::stateDir() const {
  return paths_.runDir + "/qemu";
}
std::string QemuDomainStore::logDir() const {
  return paths_.logDir + "/qemu";
}
std::string QemuDomainStore::configPath(const std::string& name) const {
  return configDir() + "/" + name + ".xml";
}
std::string QemuDomainStore::autostartLinkPath(const std::string& name) const {
  return autostartDir() + "/" + name + ".xml";
}
std::string QemuDomainStore::statePath(const std::string& name) const {
  return stateDir() + "/" + name + ".xml";
}
std::string QemuDomainStore::monitorPath(const std::string& name) const {
  return stateDir() + "/" + name + ".monitor";
}
std::string QemuDomainStore::logPath(const std::string& name) const {
  return logDir() + "/" + name + ".log";
}
std::string QemuDomainStore::secretDir(const std::string& name) const {
  return stateDir() + "/" + name + ".secrets";
}

Result<void> QemuDomainStore::ensureDir(const std::string& dir) {
  if (fs_.exists(dir))
    return ok();
  return fs_.makeDirectories(dir, 0755);
}

Result<void> QemuDomainStore::ensureRuntimeDirs() {
  TRY(ensureDir(stateDir()));
  return ensureDir(logDir());
}

Result<void> QemuDomainStore::saveConfig(const model::DomainDef& def) {
  TRY(ensureDir(configDir()));
  return fs_.writeFileAtomic(configPath(def.name),
                             model::formatDomainXml(def, model::kDomainXmlInactive), 0600);
}

Result<void> QemuDomainStore::deleteConfig(const std::string& name) {
  auto path = configPath(name);
  if (!fs_.exists(path))
    return ok();
  return fs_.removeFile(path);
}

Result<void> QemuDomainStore::saveState(const QemuRuntimeState& state) {
  TRY(ensureDir(stateDir()));
  // Replaced by a rename, so that a reader sees the old or the new file, but not fsync'ed:
  // the state describes running QEMUs, which a host crash takes with it, and two fsyncs
  // cost more than the rest of a domain's start on a busy disk.
  const std::string path = statePath(state.def.name);
  const std::string temp = path + ".new";
  if (fs_.lstat(temp))
    (void)fs_.removeFile(temp);
  {
    TRY_ASSIGN(os::FilePtr file, fs_.open(temp, os::OpenMode::CreateExclusive, 0600));
    const std::string text = formatRuntimeState(state);
    TRY(file->writeAt(0, text));
  }
  if (auto renamed = fs_.rename(temp, path); !renamed) {
    (void)fs_.removeFile(temp);
    return renamed;
  }
  return ok();
}

void QemuDomainStore::removeState(const std::string& name) {
  for (const auto& path : {statePath(name), monitorPath(name)})
    if (fs_.lstat(path))
      (void)fs_.removeFile(path);
  removeSecrets(name);
}

Result<void> QemuDomainStore::writeSecrets(const std::string& name,
                                           const std::vector<QemuSecretObject>& secrets) {
  removeSecrets(name);
  if (secrets.empty())
    return ok();
  TRY(ensureDir(stateDir()));
  TRY(fs_.makeDirectory(secretDir(name), 0700));
  for (const auto& secret : secrets) {
    auto written = [&]() -> Result<void> {
      TRY_ASSIGN(os::FilePtr file, fs_.open(secret.path, os::OpenMode::CreateExclusive, 0600));
      return file->writeAt(0, secret.value);
    }();
    if (!written) {
      removeSecrets(name);
      return written;
    }
  }
  return ok();
}

void QemuDomainStore::removeSecrets(const std::string& name) {
  const std::string dir = secretDir(name);
  if (!fs_.lstat(dir))
    return;
  if (auto files = fs_.listDirectory(dir))
    for (const auto& file : *files)
      (void)fs_.removeFile(dir + "/" + file);
  (void)fs_.removeDirectory(dir);
}

bool QemuDomainStore::isAutostart(const std::string& name) {
  return static_cast<bool>(fs_.lstat(autostartLinkPath(name)));
}

Result<void> QemuDomainStore::setAutostart(const std::string& name, bool autostart) {
  auto link = autostartLinkPath(name);
  if (!autostart) {
    if (!isAutostart(name))
      return ok();
    if (auto removed = fs_.removeFile(link); !removed)
      return makeError(ErrorCode::SystemError, ErrorDomain::Qemu,
                       "Failed to delete symlink '" + link + "': " + removed.error().message);
    return ok();
  }
  if (isAutostart(name))
    return ok();
  if (auto made = ensureDir(autostartDir()); !made)
    return makeError(
        ErrorCode::SystemError, ErrorDomain::Qemu,
        "cannot create autostart directory " + autostartDir() + ": " + made.error().message);
  // Relative, so that a root directory keeps working when moved.
  if (auto linked = fs_.symlink("../" + name + ".xml", link); !linked)
    return makeError(ErrorCode::SystemError, ErrorDomain::Qemu,
                     "Failed to create symlink '" + link + "' to '" + configPath(name) +
                         "': " + linked.error().message);
  return ok();
}

LoadedQemuDomains QemuDomainStore::loadAll() {
  LoadedQemuDomains loaded;
  auto scan = [&](const std::string& dir, auto&& handle) {
    for (const os::XmlFile& file : os::readXmlFiles(fs_, dir, loaded.problems))
      handle(file.path, file.text);
  };
  scan(configDir(), [&](const std::string& path, const std::string& text) {
    auto def = model::parseDomainXml(text);
    if (!def) {
      Error e = std::move(def).error();
      e.message = "cannot load domain definition '" + path + "': " + e.message;
      loaded.problems.push_back(std::move(e));
      return;
    }
    LoadedQemuConfig config{std::move(*def), false};
    config.autostart = isAutostart(config.def.name);
    loaded.configs.push_back(std::move(config));
  });
  scan(stateDir(), [&](const std::string& path, const std::string& text) {
    auto state = parseRuntimeState(text);
    if (!state) {
      Error e = std::move(state).error();
      e.message = "cannot load domain status '" + path + "': " + e.message;
      loaded.problems.push_back(std::move(e));
      return;
    }
    loaded.states.push_back(std::move(*state));
  });
  return loaded;
}

}  // namespace virtus::qemu
