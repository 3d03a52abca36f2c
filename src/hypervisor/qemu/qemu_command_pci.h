// The "bus" and "addr" properties of a -device on PCI, as libvirt writes them.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// Adds "bus":"pci.0" (i440fx) or "pcie.0" (q35) or "pci.N", "addr":"0xS[.0xF]" and
// "multifunction":true for a PCI `address`; nothing without one (QEMU picks a slot; the
// driver is expected to assign addresses, as libvirt does, before building). Any other
// address type is CONFIG_UNSUPPORTED.
Result<void> addPciAddress(nlohmann::ordered_json& dev, const model::DomainDef& def,
                           const std::optional<model::DeviceAddress>& address);

}  // namespace virtus::qemu
