// Reading libvirt XML with pugixml: one entry point that turns malformed documents and
// wrong root elements into libvirt's errors, and small helpers for optional values.
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

// The text of a child element, with surrounding whitespace trimmed; nullopt when absent.
std::optional<std::string> childText(pugi::xml_node node, const char* child);
// An attribute's value, nullopt when absent (present-but-empty gives "").
std::optional<std::string> attrValue(pugi::xml_node node, const char* name);

// Unsigned decimal (or 0x hex, as strtoull base 0 when `anyBase`); nullopt if malformed.
std::optional<std::uint64_t> parseUnsigned(std::string_view text, bool anyBase = false);
std::optional<std::int64_t> parseSigned(std::string_view text);

std::string trim(std::string_view text);

}  // namespace virtus::model
