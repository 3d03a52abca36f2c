#include "model/domain/domain_xml.h"

#include <algorithm>
#include <climits>
#include <sstream>

#include "common/units.h"
#include "model/domain/domain_chr_xml.h"
#include "model/domain/domain_device_xml.h"
#include "model/domain/domain_disk_xml.h"
#include "model/domain/domain_graphics_xml.h"
#include "model/domain/domain_net_xml.h"
#include "model/domain/domain_os_xml.h"
#include "model/domain/domain_postparse.h"
#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

namespace {

const std::initializer_list<std::string_view> kVirtTypes = {
    "none", "qemu",   "kqemu",  "kvm",  "xen",  "lxc",       "uml",   "openvz",
    "test", "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz"};

Result<void> parseVirtType(pugi::xml_node root, DomainDef& def) {
  for (pugi::xml_attribute attr : root.attributes()) {
    std::string_view name = attr.name();
    if (name != "type" && name != "xmlns" && !name.starts_with("xmlns:"))
      return unsupportedAttribute(root, attr);
  }
  auto type = attrValue(root, "type");
  if (!type)
    return missingAttr(root, "type");
  if (std::find(kVirtTypes.begin(), kVirtTypes.end(), *type) == kVirtTypes.end())
    return domainError(ErrorCode::ConfigUnsupported, "invalid domain type " + *type);
  // kvm and qemu for the QEMU driver, test for the test driver (test:///default); each
  // driver refuses the types it does not run.
  if (*type != "kvm" && *type != "qemu" && *type != "test")
    return domainError(ErrorCode::ConfigUnsupported,
                       "domain type '" + *type + "' is not supported by Virtus");
  def.virtType = *type;
  return ok();
}

// virDomainParseMemory: a scaled value in KiB by default, rounded up to whole KiB.
Result<std::uint64_t> parseMemoryElement(pugi::xml_node root, const char* element) {
  pugi::xml_node node = root.child(element);
  if (!node)
    return std::uint64_t{0};
  auto text = childText(root, element);
  auto value = parseULongLongPositive(text.value_or(""));
  if (!value)
    return domainError(ErrorCode::XmlError, "Invalid value '" + text.value_or("") +
                                                "' for element or attribute './" + element +
                                                "[1]'");
  TRY_ASSIGN(std::uint64_t bytes, scaleInteger(*value, attrValue(node, "unit").value_or(""), 1024,
                                               static_cast<std::uint64_t>(LLONG_MAX)));
  return (bytes + 1023) / 1024;
}

Result<void> parseMemory(pugi::xml_node root, DomainDef& def) {
  if (pugi::xml_node memory = root.child("memory"))
    TRY(checkNode(memory, {"unit"}, {}));
  if (pugi::xml_node current = root.child("currentMemory"))
    TRY(checkNode(current, {"unit"}, {}));
  TRY_ASSIGN(def.memoryKiB, parseMemoryElement(root, "memory"));
  if (def.memoryKiB == 0)
    return domainError(ErrorCode::XmlError,
                       "Memory size must be specified via <memory> or in the <numa> configuration");
  TRY_ASSIGN(def.currentMemoryKiB, parseMemoryElement(root, "currentMemory"));
  if (pugi::xml_node max = root.child("maxMemory")) {
    TRY(checkNode(max, {"unit", "slots"}, {}));
    TRY_ASSIGN(def.maxMemoryKiB, parseMemoryElement(root, "maxMemory"));
    TRY_ASSIGN(auto slots, uintAttr(max, "slots"));
    def.maxMemorySlots = slots.value_or(0);
  }
  return ok();
}

Result<void> parseVcpu(pugi::xml_node root, DomainDef& def) {
  pugi::xml_node vcpu = root.child("vcpu");
  if (!vcpu)
    return ok();
  TRY(checkNode(vcpu, {"placement", "cpuset", "current"}, {}));
  auto text = childText(root, "vcpu");
  auto count = parseUIntPositive(text.value_or(""));
  if (!count)
    return domainError(ErrorCode::XmlError, "maximum vcpus count must be an integer");
  def.vcpus = *count;
  if (auto current = attrValue(vcpu, "current")) {
    auto value = parseUIntPositive(*current);
    if (!value)
      return domainError(ErrorCode::XmlError, "current vcpus count must be an integer");
    def.vcpuCurrent = *value;
  }
  TRY_ASSIGN(std::string placement, enumAttr(vcpu, "placement", {"static", "auto"}));
  if (!placement.empty())
    def.vcpuPlacement = placement;
  def.vcpuCpuset = attrValue(vcpu, "cpuset").value_or("");
  return ok();
}

Result<void> parseLifecycle(pugi::xml_node root, const char* element,
                            std::initializer_list<std::string_view> names, std::string& out) {
  pugi::xml_node node = root.child(element);
  if (!node)
    return ok();
  TRY(checkNode(node, {}, {}));
  auto value = childText(root, element);
  if (!value || value->empty())
    return ok();
  if (std::find(names.begin(), names.end(), *value) == names.end())
    return domainError(ErrorCode::XmlError, "Invalid value for element '" + std::string(element) +
                                                "': '" + *value + "'");
  out = *value;
  return ok();
}

// Each child of <metadata> printed as libvirt prints it (two-space indentation).
void parseMetadata(pugi::xml_node root, DomainDef& def) {
  pugi::xml_node metadata = root.child("metadata");
  if (!metadata)
    return;
  def.hasMetadata = true;
  for (pugi::xml_node child : metadata.children()) {
    if (child.type() != pugi::node_element)
      continue;
    std::ostringstream out;
    child.print(out, "  ", pugi::format_indent);
    std::string text = out.str();
    while (!text.empty() && text.back() == '\n')
      text.pop_back();
    def.metadata.push_back(std::move(text));
  }
}

Result<void> parseDevices(pugi::xml_node root, DomainDef& def) {
  pugi::xml_node devices = root.child("devices");
  if (!devices)
    return ok();
  TRY(checkNode(
      devices, {},
      {"emulator", "disk", "controller", "lease", "interface", "serial", "console", "channel",
       "input", "graphics", "sound", "video", "watchdog", "memballoon", "rng"}));
  def.emulator = xpathString(devices, "emulator").value_or("");
  for (pugi::xml_node node : devices.children("disk")) {
    TRY_ASSIGN(DiskDef disk, parseDiskXml(node));
    insertDisk(def, std::move(disk));
  }
  for (pugi::xml_node node : devices.children("controller")) {
    TRY_ASSIGN(ControllerDef controller, parseControllerXml(node));
    def.controllers.push_back(std::move(controller));
  }
  for (pugi::xml_node node : devices.children("lease")) {
    TRY_ASSIGN(LeaseDef lease, parseLeaseXml(node));
    def.leases.push_back(std::move(lease));
  }
  for (pugi::xml_node node : devices.children("interface")) {
    TRY_ASSIGN(NetDef net, parseNetXml(node));
    def.nets.push_back(std::move(net));
  }
  const std::pair<const char*, ChrKind> kChrs[] = {
      {"serial", ChrKind::Serial}, {"console", ChrKind::Console}, {"channel", ChrKind::Channel}};
  for (const auto& [element, kind] : kChrs) {
    std::vector<ChrDef>& list = kind == ChrKind::Serial    ? def.serials
                                : kind == ChrKind::Console ? def.consoles
                                                           : def.channels;
    for (pugi::xml_node node : devices.children(element)) {
      TRY_ASSIGN(ChrDef chr, parseChrXml(node, kind, static_cast<unsigned>(list.size())));
      list.push_back(std::move(chr));
    }
  }
  for (pugi::xml_node node : devices.children("input")) {
    TRY_ASSIGN(InputDef input, parseInputXml(node));
    def.inputs.push_back(std::move(input));
  }
  for (pugi::xml_node node : devices.children("graphics")) {
    TRY_ASSIGN(GraphicsDef graphics, parseGraphicsXml(node));
    def.graphics.push_back(std::move(graphics));
  }
  for (pugi::xml_node node : devices.children("sound")) {
    TRY_ASSIGN(SoundDef sound, parseSoundXml(node));
    def.sounds.push_back(std::move(sound));
  }
  for (pugi::xml_node node : devices.children("video")) {
    TRY_ASSIGN(VideoDef video, parseVideoXml(node));
    def.videos.push_back(std::move(video));
  }
  for (pugi::xml_node node : devices.children("watchdog")) {
    if (def.watchdog)
      return domainError(ErrorCode::InternalError, "only a single watchdog device is supported");
    TRY_ASSIGN(def.watchdog, parseWatchdogXml(node));
  }
  for (pugi::xml_node node : devices.children("rng")) {
    TRY_ASSIGN(RngDef rng, parseRngXml(node));
    def.rngs.push_back(std::move(rng));
  }
  if (pugi::xml_node node = devices.child("memballoon")) {
    TRY_ASSIGN(def.memballoon, parseMemballoonXml(node));
  }
  return ok();
}

}  // namespace

Result<DomainDef> parseDomainXml(std::string_view xml) {
  TRY_ASSIGN(pugi::xml_document doc,
             parseXmlDocument(xml, "domain", kDomainDocName, ErrorDomain::Domain));
  pugi::xml_node root = doc.document_element();
  TRY(checkChildren(root, {"name", "uuid", "title", "description", "metadata", "memory",
                           "currentMemory", "maxMemory", "vcpu", "os", "features", "cpu", "clock",
                           "on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "devices"}));
  DomainDef def;
  TRY(parseVirtType(root, def));
  auto name = xpathString(root, "name");
  if (!name)
    return makeError(ErrorCode::NoName, ErrorDomain::Domain, "");
  def.name = *name;
  if (auto uuid = xpathString(root, "uuid")) {
    auto parsed = Uuid::parse(trim(*uuid));
    if (!parsed)
      return domainError(ErrorCode::InternalError, "malformed uuid element");
    def.uuid = *parsed;
  }
  def.title = xpathString(root, "title").value_or("");
  if (def.title.find('\n') != std::string::npos)
    return domainError(ErrorCode::XmlError, "Domain title can't contain newlines");
  def.description = xpathString(root, "description").value_or("");
  parseMetadata(root, def);
  TRY(parseMemory(root, def));
  TRY(parseVcpu(root, def));
  TRY(parseOsXml(root.child("os"), def));
  TRY(parseFeaturesXml(root.child("features"), def));
  TRY(parseCpuXml(root.child("cpu"), def));
  TRY(parseClockXml(root.child("clock"), def));
  const std::initializer_list<std::string_view> kActions = {"destroy", "restart", "rename-restart",
                                                            "preserve"};
  TRY(parseLifecycle(root, "on_poweroff", kActions, def.onPoweroff));
  TRY(parseLifecycle(root, "on_reboot", kActions, def.onReboot));
  TRY(parseLifecycle(
      root, "on_crash",
      {"destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart"},
      def.onCrash));
  TRY(parseLifecycle(root, "on_lockfailure", {"default", "poweroff", "restart", "pause", "ignore"},
                     def.onLockfailure));
  TRY(parseDevices(root, def));
  TRY(applyDomainPostParse(def));
  return def;
}

std::string formatDomainXml(const DomainDef& def, unsigned flags) {
  XmlWriter w;
  w.open("domain", XmlAttrs().add("type", def.virtType));
  w.text("name", def.name);
  if (def.uuid)
    w.text("uuid", def.uuid->str());
  w.textIfSet("title", def.title);
  w.textIfSet("description", def.description);
  if (def.hasMetadata) {
    if (def.metadata.empty()) {
      w.empty("metadata");
    } else {
      w.open("metadata");
      for (const std::string& entry : def.metadata) {
        std::istringstream lines(entry);
        for (std::string line; std::getline(lines, line);)
          w.raw(line);
      }
      w.close("metadata");
    }
  }
  if (def.maxMemoryKiB != 0) {
    w.text("maxMemory", std::to_string(def.maxMemoryKiB),
           XmlAttrs()
               .addIf(def.maxMemorySlots != 0, "slots", std::to_string(def.maxMemorySlots))
               .add("unit", "KiB"));
  }
  w.text("memory", std::to_string(def.memoryKiB), XmlAttrs().add("unit", "KiB"));
  w.text("currentMemory", std::to_string(def.currentMemoryKiB), XmlAttrs().add("unit", "KiB"));
  w.text("vcpu", std::to_string(def.vcpus),
         XmlAttrs()
             .add("placement", def.vcpuPlacement)
             .addNonEmpty("cpuset", def.vcpuCpuset)
             .addIf(def.vcpuCurrent.has_value(), "current",
                    def.vcpuCurrent ? std::to_string(*def.vcpuCurrent) : ""));
  formatOsXml(w, def.os);
  formatFeaturesXml(w, def);
  formatCpuXml(w, def.cpu);
  formatClockXml(w, def);
  w.text("on_poweroff", def.onPoweroff);
  w.text("on_reboot", def.onReboot);
  w.text("on_crash", def.onCrash);
  w.textIfSet("on_lockfailure", def.onLockfailure);
  w.open("devices");
  w.textIfSet("emulator", def.emulator);
  for (const DiskDef& disk : def.disks)
    formatDiskXml(w, disk);
  for (const ControllerDef& controller : def.controllers)
    formatControllerXml(w, controller);
  for (const LeaseDef& lease : def.leases)
    formatLeaseXml(w, lease);
  for (const NetDef& net : def.nets)
    formatNetXml(w, net);
  for (const ChrDef& serial : def.serials)
    formatChrXml(w, serial, ChrKind::Serial);
  for (const ChrDef& console : def.consoles)
    formatChrXml(w, console, ChrKind::Console);
  for (const ChrDef& channel : def.channels)
    formatChrXml(w, channel, ChrKind::Channel);
  for (const InputDef& input : def.inputs)
    formatInputXml(w, input);
  for (const GraphicsDef& graphics : def.graphics)
    formatGraphicsXml(w, graphics, (flags & kDomainXmlSecure) != 0,
                      (flags & kDomainXmlInactive) != 0);
  for (const SoundDef& sound : def.sounds)
    formatSoundXml(w, sound);
  for (const VideoDef& video : def.videos)
    formatVideoXml(w, video);
  if (def.watchdog)
    formatWatchdogXml(w, *def.watchdog);
  if (def.memballoon)
    formatMemballoonXml(w, *def.memballoon);
  for (const RngDef& rng : def.rngs)
    formatRngXml(w, rng);
  w.close("devices");
  w.close("domain");
  return w.take();
}

}  // namespace virtus::model
