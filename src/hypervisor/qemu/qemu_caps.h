// What Virtus knows about one QEMU binary: what a probe of it over QMP learned (version,
// machine types, accelerators, CPU models, device types, block drivers). Plain data,
// saved as JSON in the capabilities cache (qemu_caps_cache.h) and formatted into libvirt's
// <domainCapabilities> and <capabilities> guests (qemu_caps_format.h).
//
// Machine types and CPU models depend on the accelerator, as in libvirt: a probe records
// them once under TCG and, when KVM works, once more under KVM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"

namespace virtus::qemu {

struct QemuMachineType {
  std::string name;   // "pc-i440fx-7.2"
  std::string alias;  // "pc"; empty when none
  bool isDefault = false;
  bool deprecated = false;
  int maxCpus = 0;
  bool operator==(const QemuMachineType&) const = default;
};

struct QemuCpuModel {
  std::string name;      // "Haswell"
  std::string typeName;  // QOM type, "Haswell-x86_64-cpu"
  // Features the host (or TCG) lacks for this model; usable when empty.
  std::vector<std::string> unavailableFeatures;
  bool deprecated = false;
  // QEMU's version aliases ("Haswell-v1") and "max"/"host"/"base" are recorded too.
  bool operator==(const QemuCpuModel&) const = default;
};

enum class QemuAccel { Tcg, Kvm };
std::string_view qemuAccelName(QemuAccel accel);  // "tcg", "kvm"

// What depends on the accelerator QEMU ran with.
struct QemuAccelCaps {
  QemuAccel accel = QemuAccel::Tcg;
  // In libvirt's order: the default machine first, then QEMU's order.
  std::vector<QemuMachineType> machines;
  std::vector<QemuCpuModel> cpuModels;  // QEMU's order
  bool operator==(const QemuAccelCaps&) const = default;
};

struct QemuCaps {
  std::string binary;  // absolute path of the emulator
  int versionMajor = 0;
  int versionMinor = 0;
  int versionMicro = 0;
  std::string package;                    // "Debian 1:7.2+dfsg-7+deb12u18+b3"
  std::string arch;                       // query-target: "x86_64"
  bool kvmPresent = false;                // query-kvm: QEMU was built with KVM
  bool kvmEnabled = false;                // KVM worked in the probe (/dev/kvm usable)
  std::vector<QemuAccelCaps> accels;      // Tcg always; Kvm when kvmEnabled
  std::vector<std::string> deviceTypes;   // qom-list-types, sorted
  std::vector<std::string> blockDrivers;  // usable blockdev drivers, sorted
  // UEFI firmware descriptors for this arch: not probed (OVMF is not part of the binary),
  // filled by the daemon from findUefiFirmwares (qemu_caps_firmware.h) after a load.
  std::vector<std::string> firmwares;
  bool operator==(const QemuCaps&) const = default;

  // libvirt's version number: major * 1000000 + minor * 1000 + micro.
  std::uint64_t versionNumber() const;
  bool hasDevice(std::string_view type) const;       // binary search in deviceTypes
  bool hasBlockDriver(std::string_view name) const;  // binary search in blockDrivers
  const QemuAccelCaps* accelCaps(QemuAccel accel) const;
  // The machine (by name or alias) under `accel`; nullptr when unknown.
  const QemuMachineType* findMachine(QemuAccel accel, std::string_view nameOrAlias) const;
  // The machine QEMU uses without -machine; nullptr when it has none (non-x86 targets).
  const QemuMachineType* defaultMachine(QemuAccel accel) const;
};

// libvirt's word size for an architecture: 64 for x86_64/aarch64/ppc64/s390x/riscv64, else 32.
int archWordSize(std::string_view arch);

// The JSON form used by the cache. fromJson checks types and fails with INTERNAL_ERROR
// "invalid QEMU capabilities data: ..." on anything unexpected.
nlohmann::json qemuCapsToJson(const QemuCaps& caps);
Result<QemuCaps> qemuCapsFromJson(const nlohmann::json& json);

}  // namespace virtus::qemu
