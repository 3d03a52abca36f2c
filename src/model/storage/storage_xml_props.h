// Reading values the way libvirt's virxml helpers do, with their error texts:
// virXPathString (absent or empty is "not set", text is not trimmed), virXMLPropString,
// virXMLPropInt / UInt / TristateBool ("Invalid value for attribute 'port' in element
// 'host': 'abc'. Expected integer value").
#pragma once

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/storage_common.h"

namespace virtus::model {

// The string value of the first <child> element (all its text), nullopt when the element
// is absent or its text is empty.
std::optional<std::string> xpathChildString(pugi::xml_node node, const char* child);
// The value of an attribute, nullopt when absent or empty.
std::optional<std::string> xpathAttrString(pugi::xml_node node, const char* attr);
// The value of an attribute, nullopt only when absent ("" stays "").
std::optional<std::string> propString(pugi::xml_node node, const char* attr);

// Optional decimal int attribute; VIR_ERR_XML_ERROR when malformed.
Result<std::optional<int>> propInt(pugi::xml_node node, const char* attr);
// Optional unsigned attribute (decimal, 0x hex or 0 octal); VIR_ERR_XML_ERROR when malformed.
Result<std::optional<unsigned>> propUInt(pugi::xml_node node, const char* attr);
// Optional yes/no attribute; Absent when missing.
Result<TriState> propTristateBool(pugi::xml_node node, const char* attr);

// "Invalid value for attribute 'A' in element 'E': 'V'.<suffix>"
Error invalidAttrValue(pugi::xml_node node, const char* attr, std::string_view value,
                       std::string_view suffix = "");

std::string_view triStateName(TriState value);  // "yes" / "no"

// libvirt's virFileSanitizePath: collapses repeated '/', drops a trailing '/', keeps a
// leading "//" and leaves URIs alone.
std::string sanitizePath(std::string_view path);

}  // namespace virtus::model
