#include "hypervisor/qemu/qemu_caps_cpu_map.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace virtus::qemu {

std::optional<std::string_view> x86CpuModelVendor(std::string_view model) {
  // Sorted by name (binary search). Recorded from libvirt 9.0's domain capabilities of
  // QEMU 7.2 (testdata/domcapabilities-qemu.xml).
  static constexpr std::pair<std::string_view, std::string_view> kModels[] = {
      {"486", "unknown"},
      {"Broadwell", "Intel"},
      {"Broadwell-IBRS", "Intel"},
      {"Broadwell-noTSX", "Intel"},
      {"Broadwell-noTSX-IBRS", "Intel"},
      {"Cascadelake-Server", "Intel"},
      {"Cascadelake-Server-noTSX", "Intel"},
      {"Conroe", "Intel"},
      {"Cooperlake", "Intel"},
      {"Dhyana", "Hygon"},
      {"EPYC", "AMD"},
      {"EPYC-IBPB", "AMD"},
      {"EPYC-Milan", "AMD"},
      {"EPYC-Rome", "AMD"},
      {"Haswell", "Intel"},
      {"Haswell-IBRS", "Intel"},
      {"Haswell-noTSX", "Intel"},
      {"Haswell-noTSX-IBRS", "Intel"},
      {"Icelake-Server", "Intel"},
      {"Icelake-Server-noTSX", "Intel"},
      {"IvyBridge", "Intel"},
      {"IvyBridge-IBRS", "Intel"},
      {"Nehalem", "Intel"},
      {"Nehalem-IBRS", "Intel"},
      {"Opteron_G1", "AMD"},
      {"Opteron_G2", "AMD"},
      {"Opteron_G3", "AMD"},
      {"Opteron_G4", "AMD"},
      {"Opteron_G5", "AMD"},
      {"Penryn", "Intel"},
      {"SandyBridge", "Intel"},
      {"SandyBridge-IBRS", "Intel"},
      {"Skylake-Client", "Intel"},
      {"Skylake-Client-IBRS", "Intel"},
      {"Skylake-Client-noTSX-IBRS", "Intel"},
      {"Skylake-Server", "Intel"},
      {"Skylake-Server-IBRS", "Intel"},
      {"Skylake-Server-noTSX-IBRS", "Intel"},
      {"Snowridge", "Intel"},
      {"Westmere", "Intel"},
      {"Westmere-IBRS", "Intel"},
      {"athlon", "AMD"},
      {"core2duo", "Intel"},
      {"coreduo", "Intel"},
      {"kvm32", "unknown"},
      {"kvm64", "unknown"},
      {"n270", "Intel"},
      {"pentium", "unknown"},
      {"pentium2", "unknown"},
      {"pentium3", "unknown"},
      {"phenom", "AMD"},
      {"qemu32", "unknown"},
      {"qemu64", "unknown"},
  };
  auto it = std::lower_bound(std::begin(kModels), std::end(kModels), model,
                             [](const auto& entry, std::string_view m) { return entry.first < m; });
  if (it == std::end(kModels) || it->first != model)
    return std::nullopt;
  return it->second;
}

}  // namespace virtus::qemu
