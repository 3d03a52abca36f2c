#include "model/domain/domain_xml_support.h"

#include <algorithm>
#include <cstdio>

#include "model/xml/xml_reader.h"

namespace virtus::model {

namespace {

bool contains(std::initializer_list<std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string hex(unsigned value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", width, value);
  return buf;
}

// PCI address parts are read in any base (libvirt reads them with base 0: "0x03" or "3").
Result<unsigned> pciPart(pugi::xml_node node, const char* attr) {
  TRY_ASSIGN(auto value, propUInt(node, attr, 0));
  return value.value_or(0);
}

}  // namespace

bool isOneOf(std::initializer_list<std::string_view> names, std::string_view name) {
  return contains(names, name);
}

Error domainError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Domain, std::move(message));
}

Error unsupportedElement(pugi::xml_node node) {
  return domainError(ErrorCode::ConfigUnsupported,
                     "element '" + std::string(node.name()) + "' is not supported by Virtus");
}

Error unsupportedAttribute(pugi::xml_node node, pugi::xml_attribute attr) {
  return domainError(ErrorCode::ConfigUnsupported, "attribute '" + std::string(attr.name()) +
                                                       "' of element '" + node.name() +
                                                       "' is not supported by Virtus");
}

Result<void> checkChildren(pugi::xml_node node, std::initializer_list<std::string_view> allowed) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && !contains(allowed, child.name()))
      return unsupportedElement(child);
  }
  return ok();
}

Result<void> checkAttrs(pugi::xml_node node, std::initializer_list<std::string_view> allowed) {
  for (pugi::xml_attribute attr : node.attributes()) {
    if (!contains(allowed, attr.name()))
      return unsupportedAttribute(node, attr);
  }
  return ok();
}

Result<void> checkNode(pugi::xml_node node, std::initializer_list<std::string_view> attrs,
                       std::initializer_list<std::string_view> children) {
  TRY(checkAttrs(node, attrs));
  return checkChildren(node, children);
}

Result<std::string> enumAttr(pugi::xml_node node, const char* attr,
                             std::initializer_list<std::string_view> names) {
  auto value = attrValue(node, attr);
  if (!value)
    return std::string();
  if (!contains(names, *value))
    return invalidAttrValue(node, attr, *value);
  return *value;
}

Result<std::optional<unsigned>> uintAttr(pugi::xml_node node, const char* attr) {
  return propUInt(node, attr, 10);
}

Result<std::string> yesNoAttr(pugi::xml_node node, const char* attr) {
  return enumAttr(node, attr, {"yes", "no"});
}

Result<std::optional<unsigned>> parseBootOrder(pugi::xml_node device) {
  pugi::xml_node boot = device.child("boot");
  if (!boot)
    return std::optional<unsigned>();
  TRY(checkNode(boot, {"order"}, {}));
  auto order = attrValue(boot, "order");
  if (!order)
    return missingAttr(boot, "order");
  auto value = parseUIntPositive(*order);
  if (!value)
    return invalidAttrValue(boot, "order", *order, "Expected non-negative integer value");
  if (*value == 0)
    return makeError(ErrorCode::XmlError, ErrorDomain::Xml,
                     "Invalid value for attribute 'order' in element 'boot': Zero is not "
                     "permitted");
  return std::optional<unsigned>(*value);
}

Result<std::optional<DeviceAddress>> parseDeviceAddress(pugi::xml_node device) {
  pugi::xml_node node = device.child("address");
  if (!node)
    return std::optional<DeviceAddress>();
  DeviceAddress addr;
  auto type = attrValue(node, "type");
  if (!type)
    return domainError(ErrorCode::InternalError, "No type specified for device address");
  addr.type = *type;
  if (addr.type == "drive") {
    TRY(checkNode(node, {"type", "controller", "bus", "target", "unit"}, {}));
    TRY_ASSIGN(auto controller, uintAttr(node, "controller"));
    TRY_ASSIGN(auto bus, uintAttr(node, "bus"));
    TRY_ASSIGN(auto target, uintAttr(node, "target"));
    TRY_ASSIGN(auto unit, uintAttr(node, "unit"));
    addr.controller = controller.value_or(0);
    addr.bus = bus.value_or(0);
    addr.target = target.value_or(0);
    addr.unit = unit.value_or(0);
  } else if (addr.type == "pci") {
    TRY(checkNode(node, {"type", "domain", "bus", "slot", "function", "multifunction"}, {}));
    TRY_ASSIGN(addr.pciDomain, pciPart(node, "domain"));
    TRY_ASSIGN(addr.pciBus, pciPart(node, "bus"));
    TRY_ASSIGN(addr.slot, pciPart(node, "slot"));
    TRY_ASSIGN(addr.function, pciPart(node, "function"));
    TRY_ASSIGN(addr.multifunction, enumAttr(node, "multifunction", {"on", "off"}));
  } else {
    return domainError(ErrorCode::ConfigUnsupported,
                       "address type '" + addr.type + "' is not supported by Virtus");
  }
  return std::optional<DeviceAddress>(addr);
}

void formatDeviceAddress(XmlWriter& w, const std::optional<DeviceAddress>& address) {
  if (!address)
    return;
  const DeviceAddress& a = *address;
  XmlAttrs attrs;
  attrs.add("type", a.type);
  if (a.type == "drive") {
    attrs.add("controller", std::to_string(a.controller))
        .add("bus", std::to_string(a.bus))
        .add("target", std::to_string(a.target))
        .add("unit", std::to_string(a.unit));
  } else if (a.type == "pci") {
    attrs.add("domain", hex(a.pciDomain, 4))
        .add("bus", hex(a.pciBus, 2))
        .add("slot", hex(a.slot, 2))
        .add("function", hex(a.function, 1))
        .addNonEmpty("multifunction", a.multifunction);
  }
  w.empty("address", attrs);
}

}  // namespace virtus::model
