// Helpers shared by the domain XML readers and writers: refusing what Virtus does not model
// (VIR_ERR_CONFIG_UNSUPPORTED naming the element or attribute, never a silent drop),
// enumerated attributes checked against libvirt's names, and device <address> elements.
#pragma once

#include <pugixml.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

// The document name libvirt gives domain XML in parse errors.
inline constexpr std::string_view kDomainDocName = "domain_definition";

Error domainError(ErrorCode code, std::string message);

// "element 'NAME' is not supported by Virtus" (VIR_ERR_CONFIG_UNSUPPORTED).
Error unsupportedElement(pugi::xml_node node);
// "attribute 'A' of element 'E' is not supported by Virtus" (VIR_ERR_CONFIG_UNSUPPORTED).
Error unsupportedAttribute(pugi::xml_node node, pugi::xml_attribute attr);

// Every child element of `node` is one of `allowed`, every attribute one of `attrs`;
// text and comments are ignored.
Result<void> checkChildren(pugi::xml_node node, std::initializer_list<std::string_view> allowed);
Result<void> checkAttrs(pugi::xml_node node, std::initializer_list<std::string_view> allowed);
Result<void> checkNode(pugi::xml_node node, std::initializer_list<std::string_view> attrs,
                       std::initializer_list<std::string_view> children);

// Whether `name` is one of `names`.
bool isOneOf(std::initializer_list<std::string_view> names, std::string_view name);

// An optional attribute whose value must be one of `names` (libvirt's virXMLPropEnum error:
// "Invalid value for attribute 'A' in element 'E': 'V'."). Absent: "".
Result<std::string> enumAttr(pugi::xml_node node, const char* attr,
                             std::initializer_list<std::string_view> names);
// An optional unsigned attribute (decimal).
Result<std::optional<unsigned>> uintAttr(pugi::xml_node node, const char* attr);
// virTristateBool for attributes: "yes"/"no", "" when absent.
Result<std::string> yesNoAttr(pugi::xml_node node, const char* attr);

// A device's <boot order='N'/> (virDomainDeviceBootParseXML): required, non-zero,
// decimal. Absent element: nullopt.
Result<std::optional<unsigned>> parseBootOrder(pugi::xml_node device);

// <address> of a device: drive and pci types only.
Result<std::optional<DeviceAddress>> parseDeviceAddress(pugi::xml_node device);
void formatDeviceAddress(XmlWriter& w, const std::optional<DeviceAddress>& address);

}  // namespace virtus::model
