#include "model/domain/domain_device_xml.h"

#include <algorithm>
#include <iterator>

#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

namespace {

// Elements without children format as <x .../>, with only an address as <x ...>...</x>.
void formatWithAddress(XmlWriter& w, const char* name, const XmlAttrs& attrs,
                       const std::optional<DeviceAddress>& address) {
  if (!address) {
    w.empty(name, attrs);
    return;
  }
  w.open(name, attrs);
  formatDeviceAddress(w, address);
  w.close(name);
}

}  // namespace

Result<ControllerDef> parseControllerXml(pugi::xml_node node) {
  TRY(checkNode(node, {"type", "index", "model", "ports", "vectors"}, {"address"}));
  ControllerDef c;
  auto type = attrValue(node, "type");
  c.type = type.value_or("ide");
  const std::initializer_list<std::string_view> kKnown = {
      "ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "xenbus", "usb", "pci", "isa"};
  TRY_ASSIGN(std::string checked, enumAttr(node, "type", kKnown));
  (void)checked;
  if (c.type == "ccid" || c.type == "xenbus" || c.type == "isa")
    return domainError(ErrorCode::ConfigUnsupported,
                       "controller type '" + c.type + "' is not supported by Virtus");
  if (auto index = attrValue(node, "index")) {
    auto value = parseUIntPositive(*index);
    if (!value || *value > INT32_MAX)
      return invalidAttrValue(node, "index", *index, "Expected integer value");
    c.index = *value;
  }
  c.model = attrValue(node, "model").value_or("");
  TRY_ASSIGN(c.ports, uintAttr(node, "ports"));
  TRY_ASSIGN(c.vectors, uintAttr(node, "vectors"));
  TRY_ASSIGN(c.address, parseDeviceAddress(node));
  return c;
}

void formatControllerXml(XmlWriter& w, const ControllerDef& c) {
  XmlAttrs attrs;
  attrs.add("type", c.type).add("index", std::to_string(c.index)).addNonEmpty("model", c.model);
  if (c.ports)
    attrs.add("ports", std::to_string(*c.ports));
  if (c.vectors)
    attrs.add("vectors", std::to_string(*c.vectors));
  formatWithAddress(w, "controller", attrs, c.address);
}

Result<InputDef> parseInputXml(pugi::xml_node node) {
  TRY(checkNode(node, {"type", "bus"}, {"address"}));
  InputDef input;
  TRY_ASSIGN(input.type, enumAttr(node, "type", {"mouse", "tablet", "keyboard"}));
  if (input.type.empty())
    return domainError(ErrorCode::XmlError, "missing input device type");
  TRY_ASSIGN(input.bus, enumAttr(node, "bus", {"ps2", "usb", "virtio"}));
  if (input.bus.empty())
    input.bus = input.type == "tablet" ? "usb" : "ps2";
  if (input.bus == "ps2" && input.type == "tablet")
    return domainError(ErrorCode::InternalError, "ps2 bus does not support tablet input");
  TRY_ASSIGN(input.address, parseDeviceAddress(node));
  return input;
}

void formatInputXml(XmlWriter& w, const InputDef& input) {
  formatWithAddress(w, "input", XmlAttrs().add("type", input.type).add("bus", input.bus),
                    input.address);
}

Result<MemballoonDef> parseMemballoonXml(pugi::xml_node node) {
  TRY(checkNode(node, {"model"}, {"address"}));
  MemballoonDef balloon;
  if (!attrValue(node, "model"))
    return domainError(ErrorCode::InternalError, "balloon memory must contain model name");
  TRY_ASSIGN(balloon.model,
             enumAttr(node, "model",
                      {"virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional"}));
  if (balloon.model == "xen")
    return domainError(ErrorCode::ConfigUnsupported,
                       "memballoon model 'xen' is not supported by Virtus");
  TRY_ASSIGN(balloon.address, parseDeviceAddress(node));
  return balloon;
}

void formatMemballoonXml(XmlWriter& w, const MemballoonDef& balloon) {
  formatWithAddress(w, "memballoon", XmlAttrs().add("model", balloon.model), balloon.address);
}

Result<SoundDef> parseSoundXml(pugi::xml_node node) {
  TRY(checkNode(node, {"model"}, {"address"}));
  SoundDef sound;
  if (!attrValue(node, "model"))
    return missingAttr(node, "model");
  TRY_ASSIGN(
      sound.model,
      enumAttr(node, "model", {"sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "ich7"}));
  TRY_ASSIGN(sound.address, parseDeviceAddress(node));
  return sound;
}

void formatSoundXml(XmlWriter& w, const SoundDef& sound) {
  formatWithAddress(w, "sound", XmlAttrs().add("model", sound.model), sound.address);
}

Result<RngDef> parseRngXml(pugi::xml_node node) {
  TRY(checkNode(node, {"model"}, {"backend", "address"}));
  RngDef rng;
  auto model = attrValue(node, "model");
  if (!model)
    return domainError(ErrorCode::XmlError, "missing RNG device model");
  if (*model != "virtio" && *model != "virtio-transitional" && *model != "virtio-non-transitional")
    return domainError(ErrorCode::ConfigUnsupported, "unknown RNG model '" + *model + "'");
  rng.model = *model;
  auto backends = node.children("backend");
  if (std::distance(backends.begin(), backends.end()) != 1)
    return domainError(ErrorCode::XmlError, "only one RNG backend is supported");
  pugi::xml_node backend = node.child("backend");
  auto backendModel = attrValue(backend, "model");
  if (!backendModel)
    return domainError(ErrorCode::XmlError, "missing RNG device backend model");
  if (*backendModel != "random" && *backendModel != "egd" && *backendModel != "builtin")
    return domainError(ErrorCode::ConfigUnsupported,
                       "unknown RNG backend model '" + *backendModel + "'");
  if (*backendModel != "random")
    return domainError(ErrorCode::ConfigUnsupported,
                       "RNG backend model '" + *backendModel + "' is not supported by Virtus");
  TRY(checkNode(backend, {"model"}, {}));
  rng.backendPath = elementText(backend);
  if (rng.backendPath.empty())
    rng.backendPath = "/dev/random";
  TRY_ASSIGN(rng.address, parseDeviceAddress(node));
  return rng;
}

void formatRngXml(XmlWriter& w, const RngDef& rng) {
  w.open("rng", XmlAttrs().add("model", rng.model));
  w.text("backend", rng.backendPath, XmlAttrs().add("model", "random"));
  formatDeviceAddress(w, rng.address);
  w.close("rng");
}

Result<LeaseDef> parseLeaseXml(pugi::xml_node node) {
  TRY(checkNode(node, {}, {"lockspace", "key", "target"}));
  LeaseDef lease;
  // libvirt 9.0 refuses a lease without a lockspace too, without saying why.
  pugi::xml_node lockspace = node.child("lockspace");
  if (!lockspace)
    return domainError(ErrorCode::XmlError, "Missing 'lockspace' element for lease");
  lease.lockspace = elementText(lockspace);
  pugi::xml_node key = node.child("key");
  if (!key)
    return domainError(ErrorCode::XmlError, "Missing 'key' element for lease");
  lease.key = elementText(key);
  pugi::xml_node target = node.child("target");
  if (!target)
    return domainError(ErrorCode::XmlError, "Missing 'target' element for lease");
  TRY(checkNode(target, {"path", "offset"}, {}));
  lease.path = attrValue(target, "path").value_or("");
  if (auto offset = attrValue(target, "offset")) {
    auto value = parseULongLongPositive(*offset);
    if (!value)
      return domainError(ErrorCode::XmlError, "Malformed lease target offset " + *offset);
    lease.offset = *value;
  }
  return lease;
}

void formatLeaseXml(XmlWriter& w, const LeaseDef& lease) {
  w.open("lease");
  w.textIfSet("lockspace", lease.lockspace);
  w.text("key", lease.key);
  XmlAttrs target;
  target.add("path", lease.path);
  if (lease.offset)
    target.add("offset", std::to_string(lease.offset));
  w.empty("target", target);
  w.close("lease");
}

Result<WatchdogDef> parseWatchdogXml(pugi::xml_node node) {
  TRY(checkNode(node, {"model", "action"}, {"address"}));
  WatchdogDef watchdog;
  auto model = attrValue(node, "model");
  if (!model)
    return domainError(ErrorCode::InternalError, "watchdog must contain model name");
  if (*model != "i6300esb" && *model != "ib700" && *model != "diag288")
    return domainError(ErrorCode::ConfigUnsupported, "unknown watchdog model '" + *model + "'");
  watchdog.model = *model;
  if (auto action = attrValue(node, "action")) {
    const std::initializer_list<std::string_view> kActions = {
        "reset", "shutdown", "poweroff", "pause", "dump", "none", "inject-nmi"};
    if (std::find(kActions.begin(), kActions.end(), *action) == kActions.end())
      return domainError(ErrorCode::ConfigUnsupported, "unknown watchdog action '" + *action + "'");
    watchdog.action = *action;
  }
  TRY_ASSIGN(watchdog.address, parseDeviceAddress(node));
  return watchdog;
}

void formatWatchdogXml(XmlWriter& w, const WatchdogDef& watchdog) {
  formatWithAddress(w, "watchdog",
                    XmlAttrs().add("model", watchdog.model).add("action", watchdog.action),
                    watchdog.address);
}

}  // namespace virtus::model
