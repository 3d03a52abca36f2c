// The few XPath lookups libvirt's storage parsers make ("string(./target/format/@type)"),
// with libvirt's virXPathString rules, over a pugixml tree.
#pragma once

#include <pugixml.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace virtus::model {

// The first node (document order) matching a relative path of child steps, e.g.
// "target/path"; a final "@name" step selects an attribute, "*" any element.
// Returns the string value (all descendant text of an element, unmodified) or nullopt
// when nothing matches or the value is empty, as virXPathString does.
std::optional<std::string> xpathString(pugi::xml_node context, std::string_view path);

// The first element matching a relative path of child steps, or an empty node.
pugi::xml_node xpathNode(pugi::xml_node context, std::string_view path);

// The string value of an element: its descendant text and CDATA, concatenated.
std::string elementText(pugi::xml_node node);

// Base-10 numbers with libvirt's virStrToLong_* rules (strtoul: leading white space and
// '+' allowed, nothing may follow the digits).
// virStrToLong_ullp: no '-' anywhere in the number.
std::optional<std::uint64_t> parseULongLongPositive(std::string_view text);
// virStrToLong_uip: no '-', at most UINT_MAX.
std::optional<std::uint32_t> parseUIntPositive(std::string_view text);
// virStrToLong_ui: "-N" wraps to 32 bits as long as N fits.
std::optional<std::uint32_t> parseUInt(std::string_view text);

}  // namespace virtus::model
