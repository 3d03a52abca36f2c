// Tests only: the QMP replies of QEMU 7.2 (qemu-system-x86_64, TCG) recorded in
// testdata/qemu-7.2-x86_64-tcg-replies.json, turned into a QemuCaps as a probe would.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_caps.h"
#include "hypervisor/qemu/qemu_caps_parse.h"

namespace virtus::qemu::testdata {

inline std::string readTestdata(const std::string& name) {
  std::ifstream in(std::string(VIRTUS_SOURCE_DIR) + "/src/hypervisor/qemu/testdata/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline nlohmann::json recordedReplies() {
  return nlohmann::json::parse(readTestdata("qemu-7.2-x86_64-tcg-replies.json"));
}

// The caps of the recorded QEMU, without block modules installed (as when recorded).
inline QemuCaps recordedCaps() {
  nlohmann::json r = recordedReplies();
  QemuCaps caps;
  caps.binary = "/usr/bin/qemu-system-x86_64";
  EXPECT_TRUE(parseQueryVersion(r["query-version"], caps));
  caps.arch = parseQueryTarget(r["query-target"]).value();
  caps.kvmPresent = parseQueryKvm(r["query-kvm"])->present;
  QemuAccelCaps tcg;
  tcg.machines = parseQueryMachines(r["query-machines"]).value();
  tcg.cpuModels = parseQueryCpuDefinitions(r["query-cpu-definitions"]).value();
  caps.accels.push_back(tcg);
  caps.deviceTypes = parseQomListTypes(r["qom-list-types"]).value();
  caps.blockDrivers = usableBlockDrivers(parseSchemaBlockdevDrivers(r["query-qmp-schema"]).value(),
                                         {"accel-tcg-x86_64.so", "ui-spice-core.so"});
  return caps;
}

}  // namespace virtus::qemu::testdata
