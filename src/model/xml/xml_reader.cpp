#include "model/xml/xml_reader.h"

#include <cerrno>
#include <cstdlib>

namespace virtus::model {

namespace {
int lineOf(std::string_view xml, std::ptrdiff_t offset) {
  int line = 1;
  for (std::ptrdiff_t i = 0; i < offset && i < static_cast<std::ptrdiff_t>(xml.size()); ++i) {
    if (xml[static_cast<std::size_t>(i)] == '\n') ++line;
  }
  return line;
}
}  // namespace

Result<pugi::xml_document> parseXmlDocument(std::string_view xml, std::string_view expectedRoot,
                                            std::string_view docName, ErrorDomain domain) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return makeError(ErrorCode::XmlDetail, domain,
                     "(" + std::string(docName) + "):" +
                         std::to_string(lineOf(xml, parsed.offset)) + ": " +
                         parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (!root) {
    return makeError(ErrorCode::XmlDetail, domain,
                     "(" + std::string(docName) + "):1: Document is empty");
  }
  if (std::string_view(root.name()) != expectedRoot) {
    // libvirt checks the root in its XML layer (virxml.c), so the domain is XML.
    return makeError(ErrorCode::XmlError, ErrorDomain::Xml,
                     "expecting root element of '" + std::string(expectedRoot) + "', not '" +
                         std::string(root.name()) + "'");
  }
  return doc;
}

std::string trim(std::string_view text) {
  std::size_t b = 0;
  std::size_t e = text.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (b < e && space(text[b])) ++b;
  while (e > b && space(text[e - 1])) --e;
  return std::string(text.substr(b, e - b));
}

std::optional<std::string> childText(pugi::xml_node node, const char* child) {
  pugi::xml_node c = node.child(child);
  if (!c) return std::nullopt;
  return trim(c.child_value());
}

std::optional<std::string> attrValue(pugi::xml_node node, const char* name) {
  pugi::xml_attribute a = node.attribute(name);
  if (!a) return std::nullopt;
  return std::string(a.value());
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text, bool anyBase) {
  std::string s(text);
  if (s.empty() || s[0] == '-' || s[0] == ' ' || s[0] == '+') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, anyBase ? 0 : 10);
  if (errno != 0 || end == s.c_str() || *end != '\0') return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

std::optional<std::int64_t> parseSigned(std::string_view text) {
  std::string s(text);
  if (s.empty() || s[0] == ' ') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == s.c_str() || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(v);
}

}  // namespace virtus::model
