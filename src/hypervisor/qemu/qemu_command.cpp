#include "hypervisor/qemu/qemu_command.h"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_chardev.h"
#include "hypervisor/qemu/qemu_command_disk.h"
#include "hypervisor/qemu/qemu_command_graphics.h"
#include "hypervisor/qemu/qemu_command_misc.h"
#include "hypervisor/qemu/qemu_command_net.h"
#include "hypervisor/qemu/qemu_command_pci.h"
#include "hypervisor/qemu/qemu_command_support.h"

namespace virtus::qemu {
namespace {

using model::DomainDef;
using nlohmann::ordered_json;

class Argv {
 public:
  void add(std::string a) { argv_.push_back(std::move(a)); }
  void add(std::string a, std::string b) {
    argv_.push_back(std::move(a));
    argv_.push_back(std::move(b));
  }
  void addAll(const std::vector<std::string>& more) {
    argv_.insert(argv_.end(), more.begin(), more.end());
  }
  std::vector<std::string> take() { return std::move(argv_); }

 private:
  std::vector<std::string> argv_;
};

Result<std::string> emulator(const DomainDef& def, const QemuLaunchPaths& paths) {
  if (!paths.emulator.empty())
    return paths.emulator;
  if (!def.emulator.empty())
    return def.emulator;
  if (def.os.arch.empty() || def.os.arch == "x86_64")
    return std::string("/usr/bin/qemu-system-x86_64");
  if (def.os.arch == "i686")
    return std::string("/usr/bin/qemu-system-i386");
  return unsupported("architecture '" + def.os.arch + "' is not supported by Virtus");
}

Result<std::string> accel(const DomainDef& def) {
  if (def.virtType == "kvm")
    return std::string("kvm");
  if (def.virtType == "qemu")
    return std::string("tcg");
  return unsupported("domain type '" + def.virtType + "' is not supported by the QEMU driver");
}

// With no <cpu>: qemu64, QEMU's own default for x86, written out (libvirt sets it as the
// default model too). host-passthrough and host-model need KVM; Virtus gives host-model
// the host CPU too, where libvirt expands it to a named model.
Result<std::string> cpu(const DomainDef& def) {
  const model::CpuDef& c = def.cpu;
  bool kvm = def.virtType == "kvm";
  if (c.mode.empty())
    return std::string("qemu64");
  if (c.mode == "host-passthrough" || c.mode == "host-model") {
    if (!kvm)
      return unsupported("CPU mode '" + c.mode + "' needs a domain of type 'kvm', not '" +
                         def.virtType + "'");
    return std::string("host,migratable=") + (c.migratable == "off" ? "off" : "on");
  }
  if (c.mode == "maximum")
    return std::string("max");
  if (c.mode == "custom") {
    if (c.model.empty())
      return std::string("qemu64");
    return escapeOptionValue(c.model);
  }
  return unsupported("CPU mode '" + c.mode + "' is not supported by the QEMU driver");
}

// Devices the model parses that this builder does not run yet: refused, never dropped.
Result<void> checkUnsupported(const DomainDef& def) {
  auto refuse = [](const std::string& what) {
    return unsupported(what + " is not supported by Virtus' QEMU driver yet");
  };
  for (std::size_t i = 0; i < def.consoles.size(); ++i)
    if (!(i == 0 && def.consoles[i].targetType == "serial" && !def.serials.empty()))
      return refuse("<console type='" + def.consoles[i].targetType + "'>");
  if (!def.os.loader.empty() || !def.os.nvram.empty())
    return refuse("<loader>/<nvram>");
  if (def.os.type != "hvm")
    return refuse("OS type '" + def.os.type + "'");
  return ok();
}

struct BootIndexes {
  std::vector<unsigned> disks;  // per def.disks, 0: none
  std::vector<unsigned> nets;   // per def.nets
};

// Device bootindex of each disk and interface: <boot order=> when any device has one, else
// libvirt's conversion of <os><boot dev=>: the first disk of each kind and the first
// interface, in the order given.
BootIndexes bootIndexes(const DomainDef& def) {
  BootIndexes index{std::vector<unsigned>(def.disks.size(), 0),
                    std::vector<unsigned>(def.nets.size(), 0)};
  bool perDevice = std::any_of(def.disks.begin(), def.disks.end(),
                               [](const model::DiskDef& d) { return d.bootOrder.has_value(); }) ||
                   std::any_of(def.nets.begin(), def.nets.end(),
                               [](const model::NetDef& n) { return n.bootOrder.has_value(); });
  if (perDevice) {
    for (std::size_t i = 0; i < def.disks.size(); ++i)
      index.disks[i] = def.disks[i].bootOrder.value_or(0);
    for (std::size_t i = 0; i < def.nets.size(); ++i)
      index.nets[i] = def.nets[i].bootOrder.value_or(0);
    return index;
  }
  unsigned next = 1;
  for (const std::string& dev : def.os.bootDevs) {
    if (dev == "network") {
      if (!def.nets.empty() && index.nets[0] == 0)
        index.nets[0] = next++;
      continue;
    }
    std::string_view kind = dev == "hd"      ? "disk"
                            : dev == "cdrom" ? "cdrom"
                            : dev == "fd"    ? "floppy"
                                             : "";
    for (std::size_t i = 0; i < def.disks.size(); ++i)
      if (!kind.empty() && def.disks[i].device == kind && index.disks[i] == 0) {
        index.disks[i] = next++;
        break;
      }
  }
  return index;
}

Result<void> addControllers(Argv& argv, const DomainDef& def) {
  std::string machine = def.os.machine.empty() ? "pc" : def.os.machine;
  for (const auto& c : def.controllers) {
    ordered_json dev;
    if (c.type == "usb") {
      std::string model = c.model;
      if (model == "none")
        continue;
      if (model.empty())
        model = isI440fxMachine(machine) ? "piix3-uhci" : "qemu-xhci";
      if (model == "piix3-uhci")
        dev["driver"] = "piix3-usb-uhci";
      else if (model == "qemu-xhci" || model == "nec-xhci")
        dev["driver"] = model;
      else
        return unsupported("USB controller model '" + model + "' is not supported");
      dev["id"] = c.index == 0 ? std::string("usb") : "usb" + std::to_string(c.index);
    } else if (c.type == "scsi") {
      if (!c.model.empty() && c.model != "virtio-scsi")
        return unsupported("SCSI controller model '" + c.model +
                           "' is not supported by Virtus' QEMU driver (use 'virtio-scsi')");
      dev["driver"] = "virtio-scsi-pci";
      dev["id"] = "scsi" + std::to_string(c.index);
    } else if (c.type == "virtio-serial") {
      dev["driver"] = "virtio-serial-pci";
      dev["id"] = "virtio-serial" + std::to_string(c.index);
      if (c.ports)
        dev["max_ports"] = *c.ports;
      if (c.vectors)
        dev["vectors"] = *c.vectors;
    } else if (c.type == "pci" && !c.model.empty() && c.model != "pci-root" &&
               c.model != "pcie-root") {
      return unsupported("PCI controller model '" + c.model +
                         "' is not supported by Virtus' QEMU driver");
    } else if (c.type == "pci" || c.type == "fdc" ||
               ((c.type == "ide" || c.type == "sata") && c.index == 0)) {
      continue;  // built into the machine
    } else {
      return unsupported("controller '" + c.type + "' index " + std::to_string(c.index) +
                         " is not supported by Virtus' QEMU driver");
    }
    TRY(addPciAddress(dev, def, c.address));
    argv.add("-device", dev.dump());
  }
  return ok();
}

Result<void> addSerials(Argv& argv, const DomainDef& def, const QemuLaunchPaths& paths) {
  std::vector<model::ChrDef> serials = def.serials;
  if (serials.empty() && !paths.consoleLogPath.empty()) {
    model::ChrDef s;
    s.src.type = "file";
    s.src.path = paths.consoleLogPath;
    s.port = 0;
    serials.push_back(s);
  }
  for (std::size_t i = 0; i < serials.size(); ++i) {
    const model::ChrDef& s = serials[i];
    if (!(s.targetType.empty() || s.targetType == "isa-serial") ||
        !(s.targetModel.empty() || s.targetModel == "isa-serial"))
      return unsupported("serial target type '" + s.targetType +
                         "' is not supported by Virtus' QEMU driver");
    unsigned port = s.port.value_or(static_cast<unsigned>(i));
    std::string id = "charserial" + std::to_string(i);
    TRY_ASSIGN(std::string backend, chardevBackend(s.src, id));
    argv.add("-chardev", backend);
    ordered_json dev{{"driver", "isa-serial"},
                     {"chardev", id},
                     {"id", "serial" + std::to_string(i)},
                     {"index", port}};
    argv.add("-device", dev.dump());
  }
  return ok();
}

}  // namespace

Result<QemuCommand> buildQemuCommandLine(const DomainDef& def, const QemuLaunchPaths& paths) {
  if (paths.monitorSocket.empty())
    return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                     "no monitor socket path was given for domain '" + def.name + "'");
  TRY(checkUnsupported(def));
  TRY_ASSIGN(std::string binary, emulator(def, paths));
  TRY_ASSIGN(std::string accelerator, accel(def));
  TRY_ASSIGN(std::string cpuModel, cpu(def));
  if (def.clockOffset != "utc" && def.clockOffset != "localtime")
    return unsupported("clock offset '" + def.clockOffset +
                       "' is not supported by Virtus' QEMU driver");
  if (def.vcpus == 0)
    return unsupported("domain '" + def.name + "' has no virtual CPU");

  Argv argv;
  argv.add(binary);
  argv.add("-name", "guest=" + escapeOptionValue(def.name) + ",debug-threads=on");
  argv.add("-S");
  std::string machine = def.os.machine.empty() ? "pc" : def.os.machine;
  argv.add("-machine", escapeOptionValue(machine) + ",usb=off,dump-guest-core=off");
  argv.add("-accel", accelerator);
  argv.add("-cpu", cpuModel);
  std::string mem = "size=" + std::to_string(def.memoryKiB) + "k";
  if (def.maxMemoryKiB > 0)
    mem += ",slots=" + std::to_string(def.maxMemorySlots) +
           ",maxmem=" + std::to_string(def.maxMemoryKiB) + "k";
  argv.add("-m", mem);
  argv.add("-overcommit", "mem-lock=off");
  unsigned current = def.vcpuCurrent.value_or(def.vcpus);
  std::string smp = std::to_string(current);
  if (current != def.vcpus)
    smp += ",maxcpus=" + std::to_string(def.vcpus);
  smp += ",sockets=" + std::to_string(def.vcpus) + ",cores=1,threads=1";
  argv.add("-smp", smp);
  if (def.uuid)
    argv.add("-uuid", def.uuid->str());
  if (def.graphics.empty())
    argv.add("-display", "none");
  argv.add("-no-user-config");
  argv.add("-nodefaults");
  argv.add("-chardev", "socket,id=charmonitor,path=" + escapeOptionValue(paths.monitorSocket) +
                           ",server=on,wait=off");
  argv.add("-mon", "chardev=charmonitor,id=monitor,mode=control");
  argv.add("-rtc", "base=" + def.clockOffset);
  argv.add("-no-shutdown");
  if (def.onReboot == "destroy")
    argv.add("-no-reboot");
  if (!def.featureAcpi)
    argv.add("-no-acpi");
  argv.add("-boot", "strict=on");
  if (!def.os.kernel.empty())
    argv.add("-kernel", def.os.kernel);
  if (!def.os.initrd.empty())
    argv.add("-initrd", def.os.initrd);
  if (!def.os.cmdline.empty())
    argv.add("-append", def.os.cmdline);

  TRY(addControllers(argv, def));
  QemuCommand out;
  BootIndexes boot = bootIndexes(def);
  QemuSecretContext secrets{paths.secretValue, paths.secretDir};
  TRY_ASSIGN(auto disks, buildDiskArgs(def, boot.disks, secrets));
  for (auto& d : disks) {
    argv.addAll(d.commandLine());
    out.diskNodeNames.push_back(d.nodeName);
    out.diskAliases.push_back(d.alias);
    for (auto& s : d.secrets)
      out.secrets.push_back(std::move(s));
  }
  TRY_ASSIGN(auto nets, buildNetArgs(def, boot.nets));
  for (const auto& n : nets) {
    argv.addAll(n.commandLine());
    out.netAliases.push_back(n.alias);
  }
  TRY(addSerials(argv, def, paths));
  // libvirt's order: channels, consoles, inputs, audio, displays, video, sound, watchdog,
  // balloon, rng.
  TRY_ASSIGN(auto channels, buildChannelArgs(def));
  argv.addAll(channels);
  TRY_ASSIGN(auto inputs, buildInputArgs(def));
  argv.addAll(inputs);
  TRY_ASSIGN(auto videos, buildVideoArgs(def));
  TRY_ASSIGN(auto sounds, buildSoundArgs(def, audiodevId(def)));
  TRY_ASSIGN(auto watchdog, buildWatchdogArgs(def));
  std::vector<std::string> balloon;
  if (def.memballoon && def.memballoon->model == "virtio") {
    ordered_json dev{{"driver", "virtio-balloon-pci"}, {"id", "balloon0"}};
    TRY(addPciAddress(dev, def, def.memballoon->address));
    balloon = {"-device", dev.dump()};
  } else if (def.memballoon && def.memballoon->model != "none") {
    return unsupported("memballoon model '" + def.memballoon->model + "' is not supported");
  }
  TRY_ASSIGN(auto rngs, buildRngArgs(def));
  // Last, so that a refused definition reserves no port.
  TRY_ASSIGN(auto graphics, buildGraphicsArgs(def, paths.allocatePort));
  out.graphicsPorts = std::move(graphics.ports);
  for (const auto* part : {&graphics.argv, &videos, &sounds, &watchdog, &balloon, &rngs})
    argv.addAll(*part);
  argv.add("-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
  argv.add("-msg", "timestamp=on");
  out.argv = argv.take();
  return out;
}

}  // namespace virtus::qemu
