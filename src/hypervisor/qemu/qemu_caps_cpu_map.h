// The x86 CPU models Virtus knows by name, with their vendor, as libvirt's CPU map has
// them: domain capabilities list only these among QEMU's models (QEMU's versioned names
// "Haswell-v1" and its "max", "host", "base" are not models of the map).
#pragma once

#include <optional>
#include <string_view>

namespace virtus::qemu {

// "Intel", "AMD", "Hygon", or "unknown" for a model without a vendor ("qemu64");
// nullopt for a model Virtus does not know.
std::optional<std::string_view> x86CpuModelVendor(std::string_view model);

}  // namespace virtus::qemu
