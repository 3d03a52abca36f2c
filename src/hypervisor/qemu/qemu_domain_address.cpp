#include "hypervisor/qemu/qemu_domain_address.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "hypervisor/qemu/qemu_command_disk.h"

namespace virtus::qemu {
namespace {

using model::DeviceAddress;
using model::DomainDef;
using Address = std::optional<DeviceAddress>;

constexpr unsigned kSlots = 32;

std::string addressText(const DeviceAddress& a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", a.pciDomain, a.pciBus, a.slot, a.function);
  return buf;
}

DeviceAddress pciAddress(unsigned slot, unsigned function = 0) {
  DeviceAddress a;
  a.type = "pci";
  a.slot = slot;
  a.function = function;
  return a;
}

// The functions in use on each slot of each bus.
class PciAddressSet {
 public:
  Result<void> reserve(const DeviceAddress& a) {
    std::uint8_t& used = buses_[{a.pciDomain, a.pciBus}][a.slot % kSlots];
    std::uint8_t bit = static_cast<std::uint8_t>(1u << (a.function % 8));
    if (used & bit)
      return makeError(ErrorCode::XmlError, ErrorDomain::Qemu,
                       "Attempted double use of PCI Address " + addressText(a));
    used |= bit;
    return ok();
  }
  bool slotInUse(unsigned slot) const {
    auto bus = buses_.find({0, 0});
    return bus != buses_.end() && bus->second[slot] != 0;
  }
  // Function 0 of the first slot of bus 0 with no function in use.
  Result<DeviceAddress> reserveNext(const DomainDef& def) {
    for (unsigned slot = 1; slot < kSlots; ++slot)
      if (!slotInUse(slot)) {
        DeviceAddress a = pciAddress(slot);
        TRY(reserve(a));
        return a;
      }
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                     "domain '" + def.name +
                         "' needs more PCI slots than bus 0 has, and Virtus does not add PCI "
                         "bridges");
  }

 private:
  std::map<std::pair<unsigned, unsigned>, std::array<std::uint8_t, kSlots>> buses_;
};

bool isPci(const Address& a) {
  return a && a->type == "pci";
}

// Calls `f` on the address of every device that can sit on PCI.
void forEachAddress(DomainDef& def, const std::function<void(Address&)>& f) {
  for (auto& d : def.disks)
    f(d.address);
  for (auto& c : def.controllers)
    f(c.address);
  for (auto& n : def.nets)
    f(n.address);
  for (auto& s : def.sounds)
    f(s.address);
  for (auto& v : def.videos)
    f(v.address);
  for (auto& i : def.inputs)
    f(i.address);
  for (auto& r : def.rngs)
    f(r.address);
  if (def.watchdog)
    f(def.watchdog->address);
  if (def.memballoon)
    f(def.memballoon->address);
}

// The PIIX3 functions on slot 1: the first IDE controller at 1.1, the first PIIX3 USB
// controller at 1.2, the ISA bridge at 1.0 and the power management at 1.3.
Result<void> placePiix3(DomainDef& def, PciAddressSet& used) {
  for (auto& c : def.controllers) {
    bool ide = c.type == "ide" && c.index == 0;
    bool usb = c.type == "usb" && c.index == 0 && (c.model.empty() || c.model == "piix3-uhci");
    if (!ide && !usb)
      continue;
    DeviceAddress want = pciAddress(1, ide ? 1 : 2);
    if (isPci(c.address)) {  // reserved with the others already
      DeviceAddress have = *c.address;
      have.multifunction.clear();
      if (!(have == want))
        return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                         ide ? "Primary IDE controller must have PCI address 0:0:1.1"
                             : "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2");
    } else if (!c.address) {
      c.address = want;
      TRY(used.reserve(want));
    }
  }
  TRY(used.reserve(pciAddress(1, 0)));
  TRY(used.reserve(pciAddress(1, 3)));
  if (!def.videos.empty() && def.videos[0].model != "none" && !def.videos[0].address) {
    if (used.slotInUse(2)) {
      TRY_ASSIGN(def.videos[0].address, used.reserveNext(def));
    } else {
      def.videos[0].address = pciAddress(2);
      TRY(used.reserve(*def.videos[0].address));
    }
  }
  return ok();
}

Result<void> assignSlots(DomainDef& def, PciAddressSet& used) {
  auto want = [&](Address& a) -> Result<void> {
    if (a)
      return ok();
    TRY_ASSIGN(a, used.reserveNext(def));
    return ok();
  };
  for (auto& c : def.controllers)
    if (c.type == "pci" && !c.model.empty() && c.model != "pci-root" && c.model != "pcie-root")
      TRY(want(c.address));
  for (auto& n : def.nets)
    TRY(want(n.address));
  for (auto& s : def.sounds)
    if (s.model != "sb16" && s.model != "pcspk" && s.model != "usb")
      TRY(want(s.address));
  for (auto& c : def.controllers) {
    if (c.type == "pci" || c.type == "fdc" || c.type == "ccid" ||
        (c.type == "usb" && c.model == "none") || (c.type == "ide" && c.index == 0))
      continue;
    TRY(want(c.address));
  }
  for (auto& d : def.disks)
    if (d.targetBus == "virtio") {
      if (d.address && d.address->type != "pci")
        return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                         "virtio disk cannot have an address of type '" + d.address->type + "'");
      TRY(want(d.address));
    }
  if (def.memballoon && def.memballoon->model == "virtio")
    TRY(want(def.memballoon->address));
  for (auto& r : def.rngs)
    TRY(want(r.address));
  if (def.watchdog && def.watchdog->model == "i6300esb")
    TRY(want(def.watchdog->address));
  for (auto& v : def.videos)
    if (v.model != "none")
      TRY(want(v.address));
  for (auto& i : def.inputs)
    if (i.bus == "virtio")
      TRY(want(i.address));
  return ok();
}

}  // namespace

Result<void> assignPciAddresses(DomainDef& def) {
  if (!isI440fxMachine(def.os.machine.empty() ? "pc" : def.os.machine))
    return ok();
  DomainDef work = def;
  PciAddressSet used;
  TRY(used.reserve(pciAddress(0)));  // the host bridge
  Result<void> collected = ok();
  forEachAddress(work, [&](Address& a) {
    if (collected && isPci(a))
      collected = used.reserve(*a);
  });
  TRY(collected);
  TRY(placePiix3(work, used));
  TRY(assignSlots(work, used));
  def = std::move(work);
  return ok();
}

}  // namespace virtus::qemu
