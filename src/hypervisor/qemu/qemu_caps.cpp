#include "hypervisor/qemu/qemu_caps.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace virtus::qemu {

using nlohmann::json;

std::string_view qemuAccelName(QemuAccel accel) {
  return accel == QemuAccel::Kvm ? "kvm" : "tcg";
}

std::uint64_t QemuCaps::versionNumber() const {
  return static_cast<std::uint64_t>(versionMajor) * 1000000 +
         static_cast<std::uint64_t>(versionMinor) * 1000 + static_cast<std::uint64_t>(versionMicro);
}

bool QemuCaps::hasDevice(std::string_view type) const {
  return std::binary_search(deviceTypes.begin(), deviceTypes.end(), type);
}

bool QemuCaps::hasBlockDriver(std::string_view name) const {
  return std::binary_search(blockDrivers.begin(), blockDrivers.end(), name);
}

const QemuAccelCaps* QemuCaps::accelCaps(QemuAccel accel) const {
  for (const auto& a : accels)
    if (a.accel == accel)
      return &a;
  return nullptr;
}

const QemuMachineType* QemuCaps::findMachine(QemuAccel accel, std::string_view nameOrAlias) const {
  const QemuAccelCaps* a = accelCaps(accel);
  if (!a)
    return nullptr;
  for (const auto& m : a->machines)
    if (m.name == nameOrAlias || (!m.alias.empty() && m.alias == nameOrAlias))
      return &m;
  return nullptr;
}

const QemuMachineType* QemuCaps::defaultMachine(QemuAccel accel) const {
  const QemuAccelCaps* a = accelCaps(accel);
  if (!a)
    return nullptr;
  for (const auto& m : a->machines)
    if (m.isDefault)
      return &m;
  return nullptr;
}

int archWordSize(std::string_view arch) {
  static constexpr std::string_view k64[] = {"x86_64",  "aarch64",    "ppc64",  "ppc64le",
                                             "s390x",   "riscv64",    "mips64", "mips64el",
                                             "sparc64", "loongarch64"};
  return std::find(std::begin(k64), std::end(k64), arch) != std::end(k64) ? 64 : 32;
}

namespace {

json machineToJson(const QemuMachineType& m) {
  return {{"name", m.name},
          {"alias", m.alias},
          {"default", m.isDefault},
          {"deprecated", m.deprecated},
          {"maxCpus", m.maxCpus}};
}

json cpuToJson(const QemuCpuModel& c) {
  return {{"name", c.name},
          {"typeName", c.typeName},
          {"unavailableFeatures", c.unavailableFeatures},
          {"deprecated", c.deprecated}};
}

}  // namespace

json qemuCapsToJson(const QemuCaps& caps) {
  json accels = json::array();
  for (const auto& a : caps.accels) {
    json machines = json::array();
    for (const auto& m : a.machines)
      machines.push_back(machineToJson(m));
    json cpus = json::array();
    for (const auto& c : a.cpuModels)
      cpus.push_back(cpuToJson(c));
    accels.push_back(
        {{"accel", qemuAccelName(a.accel)}, {"machines", machines}, {"cpuModels", cpus}});
  }
  return {{"binary", caps.binary},
          {"version", {caps.versionMajor, caps.versionMinor, caps.versionMicro}},
          {"package", caps.package},
          {"arch", caps.arch},
          {"kvmPresent", caps.kvmPresent},
          {"kvmEnabled", caps.kvmEnabled},
          {"accels", accels},
          {"deviceTypes", caps.deviceTypes},
          {"blockDrivers", caps.blockDrivers},
          {"firmwares", caps.firmwares}};
}

Result<QemuCaps> qemuCapsFromJson(const json& j) {
  try {
    QemuCaps caps;
    caps.binary = j.at("binary").get<std::string>();
    const json& version = j.at("version");
    if (!version.is_array() || version.size() != 3)
      throw std::invalid_argument("'version' is not [major, minor, micro]");
    caps.versionMajor = version[0].get<int>();
    caps.versionMinor = version[1].get<int>();
    caps.versionMicro = version[2].get<int>();
    caps.package = j.at("package").get<std::string>();
    caps.arch = j.at("arch").get<std::string>();
    caps.kvmPresent = j.at("kvmPresent").get<bool>();
    caps.kvmEnabled = j.at("kvmEnabled").get<bool>();
    for (const auto& a : j.at("accels")) {
      QemuAccelCaps accel;
      std::string name = a.at("accel").get<std::string>();
      if (name == "kvm")
        accel.accel = QemuAccel::Kvm;
      else if (name == "tcg")
        accel.accel = QemuAccel::Tcg;
      else
        throw std::invalid_argument("unknown accelerator '" + name + "'");
      for (const auto& m : a.at("machines"))
        accel.machines.push_back({m.at("name").get<std::string>(), m.at("alias").get<std::string>(),
                                  m.at("default").get<bool>(), m.at("deprecated").get<bool>(),
                                  m.at("maxCpus").get<int>()});
      for (const auto& c : a.at("cpuModels"))
        accel.cpuModels.push_back({c.at("name").get<std::string>(),
                                   c.at("typeName").get<std::string>(),
                                   c.at("unavailableFeatures").get<std::vector<std::string>>(),
                                   c.at("deprecated").get<bool>()});
      caps.accels.push_back(std::move(accel));
    }
    caps.deviceTypes = j.at("deviceTypes").get<std::vector<std::string>>();
    caps.blockDrivers = j.at("blockDrivers").get<std::vector<std::string>>();
    caps.firmwares = j.at("firmwares").get<std::vector<std::string>>();
    if (!std::is_sorted(caps.deviceTypes.begin(), caps.deviceTypes.end()) ||
        !std::is_sorted(caps.blockDrivers.begin(), caps.blockDrivers.end()))
      throw std::invalid_argument("device types or block drivers are not sorted");
    return caps;
  } catch (const std::exception& e) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                     std::string("invalid QEMU capabilities data: ") + e.what());
  }
}

}  // namespace virtus::qemu
