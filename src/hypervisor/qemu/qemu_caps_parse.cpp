#include "hypervisor/qemu/qemu_caps_parse.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace virtus::qemu {

using nlohmann::json;

namespace {

Error unexpected(std::string_view command, std::string_view what) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                   "unexpected reply to '" + std::string(command) + "': " + std::string(what));
}

// Runs `body`, turning a JSON type or key error into `unexpected(command, ...)`.
template <class F>
auto guarded(std::string_view command, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return unexpected(command, e.what());
  }
}

}  // namespace

Result<void> parseQueryVersion(const json& reply, QemuCaps& caps) {
  return guarded("query-version", [&]() -> Result<void> {
    const json& q = reply.at("qemu");
    caps.versionMajor = q.at("major").get<int>();
    caps.versionMinor = q.at("minor").get<int>();
    caps.versionMicro = q.at("micro").get<int>();
    caps.package = reply.value("package", std::string());
    return {};
  });
}

Result<std::string> parseQueryTarget(const json& reply) {
  return guarded("query-target", [&]() -> Result<std::string> {
    // libvirt's names where QEMU's differ.
    std::string arch = reply.at("arch").get<std::string>();
    if (arch == "i386")
      return std::string("i686");
    if (arch == "arm")
      return std::string("armv7l");
    return arch;
  });
}

Result<QemuKvmState> parseQueryKvm(const json& reply) {
  return guarded("query-kvm", [&]() -> Result<QemuKvmState> {
    return QemuKvmState{reply.at("present").get<bool>(), reply.at("enabled").get<bool>()};
  });
}

Result<std::vector<QemuMachineType>> parseQueryMachines(const json& reply) {
  return guarded("query-machines", [&]() -> Result<std::vector<QemuMachineType>> {
    if (!reply.is_array())
      return unexpected("query-machines", "not an array");
    std::vector<QemuMachineType> machines;
    for (const auto& m : reply) {
      QemuMachineType t;
      t.name = m.at("name").get<std::string>();
      if (t.name == "none")
        continue;
      t.alias = m.value("alias", std::string());
      t.isDefault = m.value("is-default", false);
      t.deprecated = m.value("deprecated", false);
      t.maxCpus = m.at("cpu-max").get<int>();
      machines.push_back(std::move(t));
    }
    auto def = std::find_if(machines.begin(), machines.end(),
                            [](const QemuMachineType& m) { return m.isDefault; });
    if (def != machines.end())
      std::rotate(machines.begin(), def, def + 1);
    return machines;
  });
}

Result<std::vector<QemuCpuModel>> parseQueryCpuDefinitions(const json& reply) {
  return guarded("query-cpu-definitions", [&]() -> Result<std::vector<QemuCpuModel>> {
    if (!reply.is_array())
      return unexpected("query-cpu-definitions", "not an array");
    std::vector<QemuCpuModel> models;
    for (const auto& c : reply) {
      QemuCpuModel m;
      m.name = c.at("name").get<std::string>();
      m.typeName = c.value("typename", std::string());
      if (c.contains("unavailable-features"))
        m.unavailableFeatures = c.at("unavailable-features").get<std::vector<std::string>>();
      m.deprecated = c.value("deprecated", false);
      models.push_back(std::move(m));
    }
    return models;
  });
}

Result<std::vector<std::string>> parseQomListTypes(const json& reply) {
  return guarded("qom-list-types", [&]() -> Result<std::vector<std::string>> {
    if (!reply.is_array())
      return unexpected("qom-list-types", "not an array");
    std::vector<std::string> names;
    for (const auto& t : reply)
      names.push_back(t.at("name").get<std::string>());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  });
}

Result<std::vector<std::string>> parseSchemaBlockdevDrivers(const json& reply) {
  return guarded("query-qmp-schema", [&]() -> Result<std::vector<std::string>> {
    if (!reply.is_array())
      return unexpected("query-qmp-schema", "not an array");
    std::map<std::string, const json*> byName;
    for (const auto& e : reply)
      byName[e.at("name").get<std::string>()] = &e;
    auto find = [&](const std::string& name) -> const json* {
      auto it = byName.find(name);
      return it == byName.end() ? nullptr : it->second;
    };
    const json* command = find("blockdev-add");
    if (!command)
      return unexpected("query-qmp-schema", "no command 'blockdev-add'");
    const json* args = find(command->at("arg-type").get<std::string>());
    if (!args)
      return unexpected("query-qmp-schema", "no argument type of 'blockdev-add'");
    for (const auto& member : args->at("members")) {
      if (member.at("name") != "driver")
        continue;
      const json* type = find(member.at("type").get<std::string>());
      if (!type || type->value("meta-type", "") != "enum")
        return unexpected("query-qmp-schema", "the type of 'driver' is not an enum");
      auto values = type->at("values").get<std::vector<std::string>>();
      std::sort(values.begin(), values.end());
      return values;
    }
    return unexpected("query-qmp-schema", "no member 'driver' in blockdev-add's arguments");
  });
}

std::string blockDriverModule(const std::string& driver) {
  // QEMU's block modules (block/meson.build): curl serves the four URL protocols.
  static const std::map<std::string, std::string, std::less<>> kModules = {
      {"http", "block-curl.so"},
      {"https", "block-curl.so"},
      {"ftp", "block-curl.so"},
      {"ftps", "block-curl.so"},
      {"gluster", "block-gluster.so"},
      {"iscsi", "block-iscsi.so"},
      {"nfs", "block-nfs.so"},
      {"rbd", "block-rbd.so"},
      {"ssh", "block-ssh.so"},
      {"virtio-blk-vhost-user", "block-blkio.so"},
      {"io_uring", "block-blkio.so"},
      {"nvme-io_uring", "block-blkio.so"},
      {"virtio-blk-vfio-pci", "block-blkio.so"},
      {"virtio-blk-vhost-vdpa", "block-blkio.so"}};
  auto it = kModules.find(driver);
  return it == kModules.end() ? std::string() : it->second;
}

std::vector<std::string> usableBlockDrivers(const std::vector<std::string>& compiled,
                                            const std::vector<std::string>& moduleFiles) {
  bool modular = std::any_of(moduleFiles.begin(), moduleFiles.end(), [](const std::string& f) {
    return f.size() > 3 && f.compare(f.size() - 3, 3, ".so") == 0;
  });
  std::vector<std::string> usable;
  for (const auto& d : compiled) {
    std::string module = blockDriverModule(d);
    if (!modular || module.empty() ||
        std::find(moduleFiles.begin(), moduleFiles.end(), module) != moduleFiles.end())
      usable.push_back(d);
  }
  return usable;
}

}  // namespace virtus::qemu
