#include "model/xml/xml_reader.h"

#include "model/xml/libxml_syntax_error.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <vector>

namespace virtus::model {

namespace {

int lineOf(std::string_view xml, std::ptrdiff_t offset) {
  int line = 1;
  for (std::ptrdiff_t i = 0; i < offset && i < static_cast<std::ptrdiff_t>(xml.size()); ++i) {
    if (xml[static_cast<std::size_t>(i)] == '\n')
      ++line;
  }
  return line;
}

std::vector<std::string_view> splitSteps(std::string_view path) {
  std::vector<std::string_view> steps;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    steps.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return steps;
}

bool stepMatches(pugi::xml_node node, std::string_view step) {
  return node.type() == pugi::node_element && (step == "*" || step == node.name());
}

// Child steps are walked depth first, which visits matches in document order, so the
// first hit is the node XPath would pick.
pugi::xml_node findElement(pugi::xml_node node, const std::vector<std::string_view>& steps,
                           std::size_t index) {
  if (index == steps.size())
    return node;
  for (pugi::xml_node child : node.children()) {
    if (!stepMatches(child, steps[index]))
      continue;
    if (pugi::xml_node hit = findElement(child, steps, index + 1))
      return hit;
  }
  return {};
}

pugi::xml_attribute findAttribute(pugi::xml_node node, const std::vector<std::string_view>& steps,
                                  std::size_t index, std::string_view attr) {
  if (index == steps.size())
    return node.attribute(std::string(attr).c_str());
  for (pugi::xml_node child : node.children()) {
    if (!stepMatches(child, steps[index]))
      continue;
    if (pugi::xml_attribute hit = findAttribute(child, steps, index + 1, attr))
      return hit;
  }
  return {};
}

void appendText(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out += child.value();
    } else if (child.type() == pugi::node_element) {
      appendText(child, out);
    }
  }
}

Error xmlPropError(std::string message) {
  return makeError(ErrorCode::XmlError, ErrorDomain::Xml, std::move(message));
}

struct Parsed {
  unsigned long long value = 0;
  bool negative = false;
};

// strtoull over the whole text; remembers whether the number had a '-' (which strtoull
// accepts and wraps).
std::optional<Parsed> parseUnsignedLike(std::string_view text, int base) {
  std::string s(text);
  if (s.find('\0') != std::string::npos)
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, base);
  if (errno != 0 || end == s.c_str() || *end != '\0')
    return std::nullopt;
  Parsed parsed;
  parsed.value = v;
  parsed.negative =
      std::string_view(s.c_str(), static_cast<std::size_t>(end - s.c_str())).find('-') !=
      std::string_view::npos;
  return parsed;
}

}  // namespace

Result<pugi::xml_document> parseXmlDocument(std::string_view xml, std::string_view expectedRoot,
                                            std::string_view docName, ErrorDomain domain) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  pugi::xml_node root = doc.document_element();
  if (!parsed || !root) {
    // libvirt's wording is libxml2's: ask libxml2 what it finds wrong.
    const std::string url = "(" + std::string(docName) + ")";
    if (auto detail = libxmlSyntaxError(xml, url))
      return makeError(ErrorCode::XmlDetail, domain, std::move(*detail));
    if (!parsed) {
      return makeError(
          ErrorCode::XmlDetail, domain,
          url + ":" + std::to_string(lineOf(xml, parsed.offset)) + ": " + parsed.description());
    }
    return makeError(ErrorCode::XmlDetail, domain, url + ":1: Document is empty");
  }
  if (std::string_view(root.name()) != expectedRoot) {
    // libvirt checks the root in its XML layer (virxml.c), so the domain is XML.
    return makeError(ErrorCode::XmlError, ErrorDomain::Xml,
                     "expecting root element of '" + std::string(expectedRoot) + "', not '" +
                         std::string(root.name()) + "'");
  }
  return doc;
}

// ---- virXPathString and friends ----

std::string elementText(pugi::xml_node node) {
  std::string out;
  appendText(node, out);
  return out;
}

pugi::xml_node xpathNode(pugi::xml_node context, std::string_view path) {
  return findElement(context, splitSteps(path), 0);
}

std::optional<std::string> xpathString(pugi::xml_node context, std::string_view path) {
  std::vector<std::string_view> steps = splitSteps(path);
  std::string value;
  if (!steps.empty() && !steps.back().empty() && steps.back().front() == '@') {
    std::string_view attr = steps.back().substr(1);
    steps.pop_back();
    pugi::xml_attribute hit = findAttribute(context, steps, 0, attr);
    if (!hit)
      return std::nullopt;
    value = hit.value();
  } else {
    pugi::xml_node hit = findElement(context, steps, 0);
    if (!hit)
      return std::nullopt;
    value = elementText(hit);
  }
  if (value.empty())
    return std::nullopt;
  return value;
}

std::string trim(std::string_view text) {
  std::size_t b = 0;
  std::size_t e = text.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (b < e && space(text[b]))
    ++b;
  while (e > b && space(text[e - 1]))
    --e;
  return std::string(text.substr(b, e - b));
}

std::optional<std::string> childText(pugi::xml_node node, const char* child) {
  pugi::xml_node c = node.child(child);
  if (!c)
    return std::nullopt;
  return trim(c.child_value());
}

// ---- virXMLProp* ----

std::optional<std::string> attrValue(pugi::xml_node node, const char* name) {
  pugi::xml_attribute a = node.attribute(name);
  if (!a)
    return std::nullopt;
  return std::string(a.value());
}

Error invalidAttrValue(pugi::xml_node node, const char* attr, std::string_view value,
                       std::string_view suffix) {
  std::string message = "Invalid value for attribute '" + std::string(attr) + "' in element '" +
                        std::string(node.name()) + "': '" + std::string(value) + "'.";
  if (!suffix.empty()) {
    message += ' ';
    message += suffix;
  }
  return xmlPropError(std::move(message));
}

Error missingAttr(pugi::xml_node node, const char* attr) {
  return xmlPropError("Missing required attribute '" + std::string(attr) + "' in element '" +
                      std::string(node.name()) + "'");
}

Result<std::optional<int>> propInt(pugi::xml_node node, const char* attr) {
  auto text = attrValue(node, attr);
  if (!text)
    return std::optional<int>();
  errno = 0;
  char* end = nullptr;
  long value = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || errno != 0 || *end != '\0' || value < INT_MIN || value > INT_MAX) {
    return invalidAttrValue(node, attr, *text, "Expected integer value");
  }
  return std::optional<int>(static_cast<int>(value));
}

Result<std::optional<unsigned>> propUInt(pugi::xml_node node, const char* attr, int base) {
  auto text = attrValue(node, attr);
  if (!text)
    return std::optional<unsigned>();
  auto value = parseUIntPositive(*text, base);
  if (!value)
    return invalidAttrValue(node, attr, *text, "Expected non-negative integer value");
  return std::optional<unsigned>(*value);
}

// ---- numbers ----

std::optional<std::uint64_t> parseULongLongPositive(std::string_view text, int base) {
  auto parsed = parseUnsignedLike(text, base);
  if (!parsed || parsed->negative)
    return std::nullopt;
  return static_cast<std::uint64_t>(parsed->value);
}

std::optional<std::uint32_t> parseUIntPositive(std::string_view text, int base) {
  auto parsed = parseUnsignedLike(text, base);
  if (!parsed || parsed->negative || parsed->value > 0xFFFFFFFFull)
    return std::nullopt;
  return static_cast<std::uint32_t>(parsed->value);
}

std::optional<std::uint32_t> parseUInt(std::string_view text, int base) {
  auto parsed = parseUnsignedLike(text, base);
  if (!parsed)
    return std::nullopt;
  if (parsed->negative) {
    // strtoull gave 2^64 - N; libvirt accepts it when N itself fits in 32 bits.
    unsigned long long magnitude = 0ull - parsed->value;
    if (magnitude > 0xFFFFFFFFull)
      return std::nullopt;
    return static_cast<std::uint32_t>(parsed->value & 0xFFFFFFFFull);
  }
  if (parsed->value > 0xFFFFFFFFull)
    return std::nullopt;
  return static_cast<std::uint32_t>(parsed->value);
}

std::optional<std::int64_t> parseSigned(std::string_view text) {
  std::string s(text);
  if (s.empty() || s[0] == ' ')
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == s.c_str() || *end != '\0')
    return std::nullopt;
  return static_cast<std::int64_t>(v);
}

}  // namespace virtus::model
