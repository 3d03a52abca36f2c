#include "model/domain/domain_device_xml.h"

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
      return invalidAttrValue(node, "index", *index, " Expected non-negative integer value");
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

}  // namespace virtus::model
