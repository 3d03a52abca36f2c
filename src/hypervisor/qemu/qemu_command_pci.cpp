#include "hypervisor/qemu/qemu_command_pci.h"

#include <cstdio>

namespace virtus::qemu {

Result<void> addPciAddress(nlohmann::ordered_json& dev, const model::DomainDef& def,
                           const std::optional<model::DeviceAddress>& address) {
  if (!address)
    return ok();
  if (address->type != "pci")
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                     "address type '" + address->type + "' is not supported for device '" +
                         dev.value("driver", std::string()) + "'");
  if (address->pciDomain != 0)
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                     "PCI domains other than 0 are not supported");
  bool q35 = def.os.machine == "q35" || def.os.machine.rfind("pc-q35", 0) == 0;
  if (address->pciBus == 0)
    dev["bus"] = q35 ? "pcie.0" : "pci.0";
  else
    dev["bus"] = "pci." + std::to_string(address->pciBus);
  char buf[32];
  if (address->function != 0)
    std::snprintf(buf, sizeof buf, "0x%x.0x%x", address->slot, address->function);
  else
    std::snprintf(buf, sizeof buf, "0x%x", address->slot);
  dev["addr"] = buf;
  if (address->multifunction == "on")
    dev["multifunction"] = true;
  return ok();
}

}  // namespace virtus::qemu
