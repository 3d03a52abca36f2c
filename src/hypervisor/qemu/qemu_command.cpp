#include "hypervisor/qemu/qemu_command.h"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_disk.h"
#include "hypervisor/qemu/qemu_command_pci.h"

namespace virtus::qemu {
namespace {

using model::DomainDef;
using nlohmann::ordered_json;

Error unsupported(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu, std::move(message));
}

// A value inside a QEMU "key=value,..." option: commas are doubled.
std::string esc(std::string_view value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == ',')
      out += ',';
  }
  return out;
}

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
    return esc(c.model);
  }
  return unsupported("CPU mode '" + c.mode + "' is not supported by the QEMU driver");
}

// Devices the model parses that this builder does not run yet: refused, never dropped.
Result<void> checkUnsupported(const DomainDef& def) {
  auto refuse = [](const std::string& what) {
    return unsupported(what + " is not supported by Virtus' QEMU driver yet");
  };
  if (!def.nets.empty())
    return refuse("<interface>");
  if (!def.graphics.empty())
    return refuse("<graphics>");
  for (const auto& v : def.videos)
    if (v.model != "none")
      return refuse("<video model='" + v.model + "'>");
  if (!def.sounds.empty())
    return refuse("<sound>");
  if (!def.rngs.empty())
    return refuse("<rng>");
  if (def.watchdog)
    return refuse("<watchdog>");
  if (!def.channels.empty())
    return refuse("<channel>");
  for (const auto& i : def.inputs)
    if (i.bus != "ps2")  // ps2 mouse and keyboard are built into the x86 machines
      return refuse("<input type='" + i.type + "' bus='" + i.bus + "'>");
  for (std::size_t i = 0; i < def.consoles.size(); ++i)
    if (!(i == 0 && def.consoles[i].targetType == "serial" && !def.serials.empty()))
      return refuse("<console type='" + def.consoles[i].targetType + "'>");
  if (!def.os.loader.empty() || !def.os.nvram.empty())
    return refuse("<loader>/<nvram>");
  if (def.os.type != "hvm")
    return refuse("OS type '" + def.os.type + "'");
  return ok();
}

// Device bootindex of each disk: <boot order=> when any device has one, else libvirt's
// conversion of <os><boot dev=>: the first disk of each kind, in the order given.
std::vector<unsigned> diskBootIndex(const DomainDef& def) {
  std::vector<unsigned> index(def.disks.size(), 0);
  bool perDevice = std::any_of(def.disks.begin(), def.disks.end(),
                               [](const model::DiskDef& d) { return d.bootOrder.has_value(); });
  if (perDevice) {
    for (std::size_t i = 0; i < def.disks.size(); ++i)
      index[i] = def.disks[i].bootOrder.value_or(0);
    return index;
  }
  unsigned next = 1;
  for (const std::string& dev : def.os.bootDevs) {
    std::string_view kind = dev == "hd"      ? "disk"
                            : dev == "cdrom" ? "cdrom"
                            : dev == "fd"    ? "floppy"
                                             : "";
    for (std::size_t i = 0; i < def.disks.size(); ++i)
      if (!kind.empty() && def.disks[i].device == kind && index[i] == 0) {
        index[i] = next++;
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

Result<std::string> chardevBackend(const model::ChrSourceDef& src, const std::string& id) {
  if (src.type == "pty")
    return "pty,id=" + id;
  if (src.type == "file")
    return "file,id=" + id + ",path=" + esc(src.path) + (src.append == "on" ? ",append=on" : "");
  if (src.type == "unix")
    return "socket,id=" + id + ",path=" + esc(src.path) +
           (src.mode == "bind" ? ",server=on,wait=off" : "");
  return unsupported("character device source type '" + src.type +
                     "' is not supported by Virtus' QEMU driver");
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
  argv.add("-name", "guest=" + esc(def.name) + ",debug-threads=on");
  argv.add("-S");
  std::string machine = def.os.machine.empty() ? "pc" : def.os.machine;
  argv.add("-machine", esc(machine) + ",usb=off,dump-guest-core=off");
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
  argv.add("-display", "none");
  argv.add("-no-user-config");
  argv.add("-nodefaults");
  argv.add("-chardev",
           "socket,id=charmonitor,path=" + esc(paths.monitorSocket) + ",server=on,wait=off");
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
  QemuSecretContext secrets{paths.secretValue, paths.secretDir};
  TRY_ASSIGN(auto disks, buildDiskArgs(def, diskBootIndex(def), secrets));
  for (auto& d : disks) {
    argv.addAll(d.commandLine());
    out.diskNodeNames.push_back(d.nodeName);
    out.diskAliases.push_back(d.alias);
    for (auto& s : d.secrets)
      out.secrets.push_back(std::move(s));
  }
  TRY(addSerials(argv, def, paths));
  if (def.memballoon && def.memballoon->model == "virtio") {
    ordered_json dev{{"driver", "virtio-balloon-pci"}, {"id", "balloon0"}};
    TRY(addPciAddress(dev, def, def.memballoon->address));
    argv.add("-device", dev.dump());
  } else if (def.memballoon && def.memballoon->model != "none") {
    return unsupported("memballoon model '" + def.memballoon->model + "' is not supported");
  }
  argv.add("-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
  argv.add("-msg", "timestamp=on");
  out.argv = argv.take();
  return out;
}

}  // namespace virtus::qemu
