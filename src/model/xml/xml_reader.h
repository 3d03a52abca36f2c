// Reading libvirt XML with pugixml, the way libvirt's virxml.c and virstring.c helpers do:
// one entry point that turns malformed documents and wrong root elements into libvirt's
// errors, value lookups with libvirt's rules (virXPathString: first match, empty means
// "not set"; virXMLPropString: present-but-empty stays ""), virXMLProp* with their error
// texts, and libvirt's number parsing (virStrToLong_*).
#pragma once

#include <pugixml.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus::model {

// Parses `xml`; its root must be <expectedRoot>. Malformed XML is VIR_ERR_XML_DETAIL in
// `domain` ("(docName):LINE: REASON"); a wrong root is VIR_ERR_XML_ERROR in the XML domain
// ("expecting root element of 'pool', not 'volume'"), as libvirt 9.0 words them.
Result<pugi::xml_document> parseXmlDocument(std::string_view xml, std::string_view expectedRoot,
                                            std::string_view docName, ErrorDomain domain);

// ---- virXPathString and friends ----

// The first node (document order) matching a relative path of child steps, e.g.
// "target/path"; a final "@name" step selects an attribute, "*" any element.
// Returns the string value (all descendant text of an element, unmodified) or nullopt
// when nothing matches or the value is empty, as virXPathString does.
std::optional<std::string> xpathString(pugi::xml_node context, std::string_view path);
// The first element matching a relative path of child steps, or an empty node.
pugi::xml_node xpathNode(pugi::xml_node context, std::string_view path);
// The string value of an element: its descendant text and CDATA, concatenated.
std::string elementText(pugi::xml_node node);

// The text of a child element, with surrounding whitespace trimmed; nullopt when absent
// (for values libvirt reads as numbers, which ignore the white space around them).
std::optional<std::string> childText(pugi::xml_node node, const char* child);
std::string trim(std::string_view text);

// ---- virXMLProp* ----

// virXMLPropString: an attribute's value, nullopt when absent (present-but-empty gives "").
std::optional<std::string> attrValue(pugi::xml_node node, const char* name);
// Optional decimal int attribute (virXMLPropInt); VIR_ERR_XML_ERROR when malformed.
Result<std::optional<int>> propInt(pugi::xml_node node, const char* attr);
// Optional unsigned attribute (virXMLPropUInt) in `base` (0: decimal, 0x hex or 0 octal),
// VIR_ERR_XML_ERROR when malformed.
Result<std::optional<unsigned>> propUInt(pugi::xml_node node, const char* attr, int base);

// "Invalid value for attribute 'A' in element 'E': 'V'.<suffix>" (VIR_ERR_XML_ERROR, XML
// domain).
Error invalidAttrValue(pugi::xml_node node, const char* attr, std::string_view value,
                       std::string_view suffix = "");
// "Missing required attribute 'A' in element 'E'" (VIR_ERR_XML_ERROR, XML domain).
Error missingAttr(pugi::xml_node node, const char* attr);

// ---- numbers, with libvirt's virStrToLong_* rules ----
// (strtoul: leading white space and '+' allowed, nothing may follow the digits).

// virStrToLong_ullp: no '-' anywhere in the number.
std::optional<std::uint64_t> parseULongLongPositive(std::string_view text, int base = 10);
// virStrToLong_uip: no '-', at most UINT_MAX.
std::optional<std::uint32_t> parseUIntPositive(std::string_view text, int base = 10);
// virStrToLong_ui: "-N" wraps to 32 bits as long as N fits.
std::optional<std::uint32_t> parseUInt(std::string_view text, int base = 10);
// A signed decimal without leading white space (strtoll otherwise); nullopt if malformed.
std::optional<std::int64_t> parseSigned(std::string_view text);

}  // namespace virtus::model
