#include "hypervisor/qemu/qemu_command_net.h"

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_pci.h"
#include "hypervisor/qemu/qemu_command_support.h"

namespace virtus::qemu {
namespace {

using nlohmann::ordered_json;

Result<std::string> nicDriver(const model::NetDef& net) {
  if (net.model.empty())
    return std::string("rtl8139");
  if (net.model == "virtio")
    return std::string("virtio-net-pci");
  if (net.model == "e1000" || net.model == "e1000e" || net.model == "rtl8139")
    return net.model;
  return unsupported("interface model '" + net.model +
                     "' is not supported by Virtus' QEMU driver (use 'virtio', 'e1000', "
                     "'e1000e' or 'rtl8139')");
}

}  // namespace

std::vector<std::string> QemuNetArgs::commandLine() const {
  return {"-netdev", netdev, "-device", device};
}

Result<QemuNetArgs> buildOneNetArgs(const model::DomainDef& def, const model::NetDef& net,
                                    unsigned index, unsigned bootIndex) {
  if (net.type == "network" || net.type == "bridge")
    return unsupported("interface type '" + net.type +
                       "' is not supported by Virtus' QEMU driver: it needs a tap device on a "
                       "host bridge, which Virtus does not create yet (use type 'user')");
  if (net.type != "user")
    return unsupported("interface type '" + net.type + "' is not supported by Virtus' QEMU driver");
  TRY_ASSIGN(std::string driver, nicDriver(net));
  if (net.mac.empty())
    return makeError(
        ErrorCode::InternalError, ErrorDomain::Qemu,
        "interface " + std::to_string(index) + " of domain '" + def.name + "' has no MAC address");
  QemuNetArgs out;
  std::string backend = "hostnet" + std::to_string(index);
  out.alias = "net" + std::to_string(index);
  out.netdev = ordered_json{{"type", "user"}, {"id", backend}}.dump();
  ordered_json dev{{"driver", driver}, {"netdev", backend}, {"id", out.alias}, {"mac", net.mac}};
  if (bootIndex != 0)
    dev["bootindex"] = bootIndex;
  TRY(addPciAddress(dev, def, net.address));
  out.device = dev.dump();
  return out;
}

Result<std::vector<QemuNetArgs>> buildNetArgs(const model::DomainDef& def,
                                              const std::vector<unsigned>& bootIndex) {
  std::vector<QemuNetArgs> out;
  for (std::size_t i = 0; i < def.nets.size(); ++i) {
    TRY_ASSIGN(QemuNetArgs args, buildOneNetArgs(def, def.nets[i], static_cast<unsigned>(i),
                                                 i < bootIndex.size() ? bootIndex[i] : 0));
    out.push_back(std::move(args));
  }
  return out;
}

}  // namespace virtus::qemu
