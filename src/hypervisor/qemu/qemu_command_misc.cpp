#include "hypervisor/qemu/qemu_command_misc.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_chardev.h"
#include "hypervisor/qemu/qemu_command_pci.h"
#include "hypervisor/qemu/qemu_command_support.h"

namespace virtus::qemu {
namespace {

using model::DomainDef;
using nlohmann::ordered_json;

void addDevice(std::vector<std::string>& argv, const ordered_json& dev) {
  argv.push_back("-device");
  argv.push_back(dev.dump());
}

bool hasController(const DomainDef& def, const std::string& type, unsigned index) {
  return std::any_of(def.controllers.begin(), def.controllers.end(),
                     [&](const model::ControllerDef& c) {
                       return c.type == type && c.index == index && c.model != "none";
                     });
}

}  // namespace

Result<std::vector<std::string>> buildInputArgs(const DomainDef& def) {
  std::vector<std::string> argv;
  unsigned usbPort = 0;
  for (std::size_t i = 0; i < def.inputs.size(); ++i) {
    const model::InputDef& in = def.inputs[i];
    if (in.bus == "ps2") {
      if (in.type == "tablet")
        return unsupported("a ps2 tablet is not supported");
      continue;  // the machine's i8042
    }
    std::string id = "input" + std::to_string(i);
    if (in.bus == "usb") {
      if (!hasController(def, "usb", 0))
        return unsupported("USB input device '" + in.type + "' needs a USB controller");
      if (in.address)
        return unsupported("the address of USB input device '" + in.type +
                           "' is not supported by Virtus' QEMU driver");
      std::string driver = in.type == "tablet"  ? "usb-tablet"
                           : in.type == "mouse" ? "usb-mouse"
                                                : "usb-kbd";
      addDevice(argv, ordered_json{{"driver", driver},
                                   {"id", id},
                                   {"bus", "usb.0"},
                                   {"port", std::to_string(++usbPort)}});
    } else if (in.bus == "virtio") {
      ordered_json dev{{"driver", "virtio-" + in.type + "-pci"}, {"id", id}};
      TRY(addPciAddress(dev, def, in.address));
      addDevice(argv, dev);
    } else {
      return unsupported("input bus '" + in.bus + "' is not supported by Virtus' QEMU driver");
    }
  }
  return argv;
}

Result<std::vector<std::string>> buildChannelArgs(const DomainDef& def) {
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < def.channels.size(); ++i) {
    const model::ChrDef& ch = def.channels[i];
    if (ch.targetType != "virtio")
      return unsupported("channel target type '" + ch.targetType +
                         "' is not supported by Virtus' QEMU driver");
    if (!hasController(def, "virtio-serial", 0))
      return unsupported("channel '" + ch.targetName + "' needs a virtio-serial controller");
    if (ch.address)
      return unsupported("the address of channel '" + ch.targetName +
                         "' is not supported by Virtus' QEMU driver");
    if ((ch.src.type == "unix" || ch.src.type == "file") && ch.src.path.empty())
      return unsupported("channel '" + ch.targetName + "' of type '" + ch.src.type +
                         "' has no path");
    std::string chardev = "charchannel" + std::to_string(i);
    TRY_ASSIGN(std::string backend, chardevBackend(ch.src, chardev));
    argv.push_back("-chardev");
    argv.push_back(backend);
    ordered_json dev{{"driver", "virtserialport"},
                     {"bus", "virtio-serial0.0"},
                     {"nr", i + 1},
                     {"chardev", chardev},
                     {"id", "channel" + std::to_string(i)}};
    if (!ch.targetName.empty())
      dev["name"] = ch.targetName;
    addDevice(argv, dev);
  }
  return argv;
}

Result<std::vector<std::string>> buildSoundArgs(const DomainDef& def, const std::string& audiodev) {
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < def.sounds.size(); ++i) {
    const model::SoundDef& s = def.sounds[i];
    std::string id = "sound" + std::to_string(i);
    if (s.model == "ich6" || s.model == "ich9") {
      ordered_json hda{{"driver", s.model == "ich6" ? "intel-hda" : "ich9-intel-hda"}, {"id", id}};
      TRY(addPciAddress(hda, def, s.address));
      addDevice(argv, hda);
      addDevice(argv, ordered_json{{"driver", "hda-duplex"},
                                   {"id", id + "-codec0"},
                                   {"bus", id + ".0"},
                                   {"cad", 0},
                                   {"audiodev", audiodev}});
    } else if (s.model == "sb16") {  // ISA
      if (s.address)
        return unsupported("sound model 'sb16' takes no address");
      addDevice(argv, ordered_json{{"driver", "sb16"}, {"id", id}, {"audiodev", audiodev}});
    } else if (s.model == "ac97" || s.model == "es1370") {
      ordered_json dev{
          {"driver", s.model == "ac97" ? "AC97" : "ES1370"}, {"id", id}, {"audiodev", audiodev}};
      TRY(addPciAddress(dev, def, s.address));
      addDevice(argv, dev);
    } else {
      return unsupported("sound model '" + s.model + "' is not supported by Virtus' QEMU driver");
    }
  }
  return argv;
}

Result<std::vector<std::string>> buildWatchdogArgs(const DomainDef& def) {
  std::vector<std::string> argv;
  if (!def.watchdog)
    return argv;
  const model::WatchdogDef& w = *def.watchdog;
  ordered_json dev{{"driver", w.model}, {"id", "watchdog0"}};
  if (w.model == "i6300esb") {
    TRY(addPciAddress(dev, def, w.address));
  } else if (w.model == "ib700") {
    if (w.address)
      return unsupported("watchdog model 'ib700' takes no address");
  } else {
    return unsupported("watchdog model '" + w.model + "' is not supported on x86 guests");
  }
  // libvirt gives QEMU 'pause' for 'dump' and dumps the guest itself on the event.
  if (w.action == "dump")
    return unsupported("watchdog action 'dump' is not supported by Virtus' QEMU driver yet");
  addDevice(argv, dev);
  argv.push_back("-watchdog-action");
  argv.push_back(w.action);
  return argv;
}

Result<std::vector<std::string>> buildRngArgs(const DomainDef& def) {
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < def.rngs.size(); ++i) {
    const model::RngDef& r = def.rngs[i];
    std::string driver;
    if (r.model == "virtio")
      driver = "virtio-rng-pci";
    else if (r.model == "virtio-transitional" || r.model == "virtio-non-transitional")
      driver = "virtio-rng-pci" + r.model.substr(6);
    else
      return unsupported("RNG model '" + r.model + "' is not supported by Virtus' QEMU driver");
    std::string object = "objrng" + std::to_string(i);
    argv.push_back("-object");
    argv.push_back(
        ordered_json{{"qom-type", "rng-random"}, {"id", object}, {"filename", r.backendPath}}
            .dump());
    ordered_json dev{{"driver", driver}, {"rng", object}, {"id", "rng" + std::to_string(i)}};
    TRY(addPciAddress(dev, def, r.address));
    addDevice(argv, dev);
  }
  return argv;
}

}  // namespace virtus::qemu
