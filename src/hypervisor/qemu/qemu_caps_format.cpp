#include "hypervisor/qemu/qemu_caps_format.h"

#include <utility>
#include <vector>

#include "hypervisor/qemu/qemu_caps_cpu_map.h"

namespace virtus::qemu {

namespace {

// A value of an enum and the QEMU device (or object) type it needs; empty: always there.
struct EnumValue {
  std::string_view value;
  std::string_view needs;
};

constexpr EnumValue kDiskModels[] = {
    {"virtio", "virtio-blk-pci"},
    {"virtio-transitional", "virtio-blk-pci-transitional"},
    {"virtio-non-transitional", "virtio-blk-pci-non-transitional"}};
constexpr EnumValue kGraphics[] = {{"vnc", ""}, {"spice", "chardev-spicevmc"}};
constexpr EnumValue kVideo[] = {{"vga", "VGA"},
                                {"cirrus", "cirrus-vga"},
                                {"vmvga", "vmware-svga"},
                                {"qxl", "qxl-vga"},
                                {"virtio", "virtio-vga"},
                                {"none", ""},
                                {"bochs", "bochs-display"},
                                {"ramfb", "ramfb"}};
constexpr EnumValue kRngModels[] = {{"virtio", "virtio-rng-pci"},
                                    {"virtio-transitional", "virtio-rng-pci-transitional"},
                                    {"virtio-non-transitional", "virtio-rng-pci-non-transitional"}};
constexpr EnumValue kRngBackends[] = {
    {"random", "rng-random"}, {"egd", "rng-egd"}, {"builtin", "rng-builtin"}};
constexpr EnumValue kMemorySources[] = {
    {"file", "memory-backend-file"}, {"anonymous", ""}, {"memfd", "memory-backend-memfd"}};

bool isQ35(const QemuMachineType& m) {
  return m.name.starts_with("pc-q35") || m.name == "q35";
}
bool isPcMachine(const QemuMachineType& m) {
  return m.name.starts_with("pc-") || m.name == "pc" || isQ35(m);
}

class Writer {
 public:
  void line(int depth, std::string_view text) {
    out_.append(static_cast<std::size_t>(depth) * 2, ' ');
    out_.append(text);
    out_.push_back('\n');
  }
  // <enum name='NAME'> with `values`, or <enum name='NAME'/> when there are none.
  void enumeration(int depth, std::string_view name, const std::vector<std::string_view>& values) {
    if (values.empty()) {
      line(depth, "<enum name='" + std::string(name) + "'/>");
      return;
    }
    line(depth, "<enum name='" + std::string(name) + "'>");
    for (auto v : values)
      line(depth + 1, "<value>" + std::string(v) + "</value>");
    line(depth, "</enum>");
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

template <std::size_t N>
std::vector<std::string_view> present(const QemuCaps& caps, const EnumValue (&table)[N]) {
  std::vector<std::string_view> values;
  for (const auto& e : table)
    if (e.needs.empty() || caps.hasDevice(e.needs))
      values.push_back(e.value);
  return values;
}

std::string yesNo(bool b) {
  return b ? "yes" : "no";
}

void formatOs(Writer& w, const QemuCaps& caps) {
  w.line(1, "<os supported='yes'>");
  std::vector<std::string_view> firmware;
  if (!caps.firmwares.empty())
    firmware.push_back("efi");
  w.enumeration(2, "firmware", firmware);
  w.line(2, "<loader supported='yes'>");
  w.enumeration(3, "type", {"rom", "pflash"});
  w.enumeration(3, "readonly", {"yes", "no"});
  w.enumeration(3, "secure", {"no"});
  w.line(2, "</loader>");
  w.line(1, "</os>");
}

void formatCpu(Writer& w, const QemuCaps& caps, const QemuAccelCaps& accel) {
  w.line(1, "<cpu>");
  w.line(2, "<mode name='host-passthrough' supported='" + yesNo(accel.accel == QemuAccel::Kvm) +
                "'/>");
  w.line(2, "<mode name='maximum' supported='yes'>");
  w.enumeration(3, "maximumMigratable", {"on", "off"});
  w.line(2, "</mode>");
  // host-model needs libvirt's CPUID-based model of the host CPU, which Virtus lacks.
  w.line(2, "<mode name='host-model' supported='no'/>");
  std::vector<std::string> models;
  for (const auto& m : accel.cpuModels) {
    auto vendor =
        caps.arch == "x86_64" || caps.arch == "i686" ? x86CpuModelVendor(m.name) : std::nullopt;
    if (!vendor)
      continue;
    models.push_back("<model usable='" + yesNo(m.unavailableFeatures.empty()) + "' vendor='" +
                     std::string(*vendor) + "'>" + m.name + "</model>");
  }
  if (models.empty()) {
    w.line(2, "<mode name='custom' supported='no'/>");
  } else {
    w.line(2, "<mode name='custom' supported='yes'>");
    for (const auto& m : models)
      w.line(3, m);
    w.line(2, "</mode>");
  }
  w.line(1, "</cpu>");
}

void formatDevices(Writer& w, const QemuCaps& caps, const QemuMachineType& machine) {
  w.line(1, "<devices>");
  w.line(2, "<disk supported='yes'>");
  w.enumeration(3, "diskDevice", {"disk", "cdrom", "floppy", "lun"});
  std::vector<std::string_view> buses;
  if (isPcMachine(machine) && !isQ35(machine))
    buses.push_back("ide");
  if (isPcMachine(machine) && caps.hasDevice("isa-fdc"))
    buses.push_back("fdc");
  buses.push_back("scsi");
  buses.push_back("virtio");
  if (caps.hasDevice("usb-storage"))
    buses.push_back("usb");
  if (caps.hasDevice("ich9-ahci"))
    buses.push_back("sata");
  w.enumeration(3, "bus", buses);
  w.enumeration(3, "model", present(caps, kDiskModels));
  w.line(2, "</disk>");
  w.line(2, "<graphics supported='yes'>");
  w.enumeration(3, "type", present(caps, kGraphics));
  w.line(2, "</graphics>");
  w.line(2, "<video supported='yes'>");
  w.enumeration(3, "modelType", present(caps, kVideo));
  w.line(2, "</video>");
  w.line(2, "<hostdev supported='no'/>");
  w.line(2, "<rng supported='yes'>");
  w.enumeration(3, "model", present(caps, kRngModels));
  w.enumeration(3, "backendModel", present(caps, kRngBackends));
  w.line(2, "</rng>");
  w.line(1, "</devices>");
}

void formatFeatures(Writer& w, const QemuCaps& caps) {
  w.line(1, "<features>");
  w.line(2, "<gic supported='no'/>");
  w.line(2, "<vmcoreinfo supported='" + yesNo(caps.hasDevice("vmcoreinfo")) + "'/>");
  w.line(2, "<genid supported='" + yesNo(caps.hasDevice("vmgenid")) + "'/>");
  w.line(2, "<sev supported='no'/>");
  w.line(2, "<sgx supported='no'/>");
  w.line(1, "</features>");
}

}  // namespace

Result<std::string> formatDomainCapabilities(const QemuCaps& caps, std::string_view machine,
                                             std::string_view virttype) {
  QemuAccel accel = caps.kvmEnabled ? QemuAccel::Kvm : QemuAccel::Tcg;
  if (virttype == "kvm")
    accel = QemuAccel::Kvm;
  else if (virttype == "qemu")
    accel = QemuAccel::Tcg;
  else if (!virttype.empty())
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Qemu,
                     "unknown virttype: " + std::string(virttype));
  const QemuAccelCaps* accelCaps = caps.accelCaps(accel);
  if (!accelCaps)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Qemu,
                     "the accel '" + std::string(qemuAccelName(accel)) + "' is not supported by '" +
                         caps.binary + "' on this host");
  const QemuMachineType* m =
      machine.empty() ? caps.defaultMachine(accel) : caps.findMachine(accel, machine);
  if (!m)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Qemu,
                     "the machine '" + std::string(machine) + "' is not supported by emulator '" +
                         caps.binary + "'");

  Writer w;
  w.line(0, "<domainCapabilities>");
  w.line(1, "<path>" + caps.binary + "</path>");
  w.line(1, "<domain>" + std::string(accel == QemuAccel::Kvm ? "kvm" : "qemu") + "</domain>");
  w.line(1, "<machine>" + m->name + "</machine>");
  w.line(1, "<arch>" + caps.arch + "</arch>");
  w.line(1, "<vcpu max='" + std::to_string(m->maxCpus) + "'/>");
  w.line(1, "<iothreads supported='" + yesNo(caps.hasDevice("iothread")) + "'/>");
  formatOs(w, caps);
  formatCpu(w, caps, *accelCaps);
  w.line(1, "<memoryBacking supported='yes'>");
  w.enumeration(2, "sourceType", present(caps, kMemorySources));
  w.line(1, "</memoryBacking>");
  formatDevices(w, caps, *m);
  formatFeatures(w, caps);
  w.line(0, "</domainCapabilities>");
  return w.take();
}

std::string formatGuestCapabilities(const QemuCaps& caps) {
  Writer w;
  w.line(1, "<guest>");
  w.line(2, "<os_type>hvm</os_type>");
  w.line(2, "<arch name='" + caps.arch + "'>");
  w.line(3, "<wordsize>" + std::to_string(archWordSize(caps.arch)) + "</wordsize>");
  w.line(3, "<emulator>" + caps.binary + "</emulator>");
  if (const QemuAccelCaps* tcg = caps.accelCaps(QemuAccel::Tcg)) {
    for (const auto& m : tcg->machines) {
      std::string tail = std::string(m.deprecated ? " deprecated='yes'" : "") + ">";
      w.line(3,
             "<machine maxCpus='" + std::to_string(m.maxCpus) + "'" + tail + m.name + "</machine>");
      if (!m.alias.empty())
        w.line(3, "<machine canonical='" + m.name + "' maxCpus='" + std::to_string(m.maxCpus) +
                      "'" + tail + m.alias + "</machine>");
    }
  }
  w.line(3, "<domain type='qemu'/>");
  if (caps.kvmEnabled)
    w.line(3, "<domain type='kvm'/>");
  w.line(2, "</arch>");
  w.line(2, "<features>");
  bool x86 = caps.arch == "x86_64" || caps.arch == "i686" || caps.arch == "i386";
  if (caps.arch == "i686" || caps.arch == "i386") {
    w.line(3, "<pae/>");
    w.line(3, "<nonpae/>");
  }
  if (x86) {
    w.line(3, "<acpi default='on' toggle='yes'/>");
    w.line(3, "<apic default='on' toggle='no'/>");
  }
  w.line(3, "<cpuselection/>");
  w.line(3, "<deviceboot/>");
  w.line(3, "<disksnapshot default='on' toggle='no'/>");
  w.line(2, "</features>");
  w.line(1, "</guest>");
  return w.take() + "\n";
}

}  // namespace virtus::qemu
