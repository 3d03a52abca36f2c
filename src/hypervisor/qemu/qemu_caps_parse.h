// Pure parsers of the QMP replies a capabilities probe collects, into QemuCaps pieces.
// Each takes the "return" value of its command and fails with INTERNAL_ERROR "unexpected
// reply to '<command>': ..." on a shape QEMU does not send.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "hypervisor/qemu/qemu_caps.h"

namespace virtus::qemu {

// query-version: fills versionMajor/Minor/Micro and package.
Result<void> parseQueryVersion(const nlohmann::json& reply, QemuCaps& caps);
// query-target: the architecture under libvirt's name ("x86_64"; "i686" for QEMU's "i386").
Result<std::string> parseQueryTarget(const nlohmann::json& reply);
struct QemuKvmState {
  bool present = false;
  bool enabled = false;
};
Result<QemuKvmState> parseQueryKvm(const nlohmann::json& reply);
// query-machines, in libvirt's order: the default machine first, the others in QEMU's
// order. The "none" machine (the probe's own) is left out, as libvirt does.
Result<std::vector<QemuMachineType>> parseQueryMachines(const nlohmann::json& reply);
// query-cpu-definitions, in QEMU's order.
Result<std::vector<QemuCpuModel>> parseQueryCpuDefinitions(const nlohmann::json& reply);
// qom-list-types: the type names, sorted.
Result<std::vector<std::string>> parseQomListTypes(const nlohmann::json& reply);

// The values of the BlockdevDriver enum (the 'driver' member of blockdev-add's arguments)
// in a query-qmp-schema reply: every driver QEMU was built with, sorted.
Result<std::vector<std::string>> parseSchemaBlockdevDrivers(const nlohmann::json& reply);

// The loadable module (file name under QEMU's module directory) that provides a block
// driver in a modular build, "block-curl.so" for "http"; empty for drivers built in.
std::string blockDriverModule(const std::string& driver);

// The drivers of `compiled` that are usable: built-in ones, and modular ones whose module
// file is in `moduleFiles` (the names in QEMU's module directories). When `moduleFiles`
// holds no module at all QEMU was built without modules and every driver is built in.
std::vector<std::string> usableBlockDrivers(const std::vector<std::string>& compiled,
                                            const std::vector<std::string>& moduleFiles);

}  // namespace virtus::qemu
