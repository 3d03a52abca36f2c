// libvirt reads XML with libxml2 and reports a malformed document with libxml2's first fatal
// error plus two lines of context (virxml.c's catchXMLError). Virtus parses with pugixml;
// when that fails, the document is read again with libxml2 only to word the error as libvirt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace virtus::model {

// libvirt's detail for the first fatal syntax error libxml2 finds in `xml` (read as libvirt
// does, up to a NUL byte), named `docName` ("(storage_pool_definition)"):
//   "(storage_pool_definition):2: Opening and ending tag mismatch: name line 2 and nam\n"
//   "  <name>broken</nam>\n"
//   "--------------------^"
// The context line is "(null)" when the error lies at the end of a line or of the input.
// nullopt when libxml2 reports no fatal error, or when libxml2 cannot be loaded (it is
// loaded on the first call, see libxml_library.h): the caller then words the error itself.
std::optional<std::string> libxmlSyntaxError(std::string_view xml, std::string_view docName);

}  // namespace virtus::model
