#include "model/storage/storage_xml_props.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace virtus::model {

namespace {
void appendText(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out += c.value();
    } else if (c.type() == pugi::node_element) {
      appendText(c, out);
    }
  }
}
}  // namespace

std::optional<std::string> xpathChildString(pugi::xml_node node, const char* child) {
  pugi::xml_node c = node.child(child);
  if (!c)
    return std::nullopt;
  std::string text;
  appendText(c, text);
  if (text.empty())
    return std::nullopt;
  return text;
}

std::optional<std::string> xpathAttrString(pugi::xml_node node, const char* attr) {
  pugi::xml_attribute a = node.attribute(attr);
  if (!a || a.value()[0] == '\0')
    return std::nullopt;
  return std::string(a.value());
}

std::optional<std::string> propString(pugi::xml_node node, const char* attr) {
  pugi::xml_attribute a = node.attribute(attr);
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
  return makeError(ErrorCode::XmlError, ErrorDomain::Xml, std::move(message));
}

Result<std::optional<int>> propInt(pugi::xml_node node, const char* attr) {
  auto text = propString(node, attr);
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

Result<std::optional<unsigned>> propUInt(pugi::xml_node node, const char* attr) {
  auto text = propString(node, attr);
  if (!text)
    return std::optional<unsigned>();
  errno = 0;
  char* end = nullptr;
  const char* begin = text->c_str();
  while (*begin == ' ' || *begin == '\t' || *begin == '\n')
    ++begin;
  unsigned long long value = std::strtoull(begin, &end, 0);
  if (text->empty() || *begin == '-' || errno != 0 || *end != '\0' || end == begin ||
      value > UINT_MAX) {
    return invalidAttrValue(node, attr, *text, "Expected non-negative integer value");
  }
  return std::optional<unsigned>(static_cast<unsigned>(value));
}

Result<TriState> propTristateBool(pugi::xml_node node, const char* attr) {
  auto text = propString(node, attr);
  if (!text)
    return TriState::Absent;
  if (*text == "yes")
    return TriState::Yes;
  if (*text == "no")
    return TriState::No;
  return invalidAttrValue(node, attr, *text);
}

std::string_view triStateName(TriState value) {
  switch (value) {
    case TriState::Yes:
      return "yes";
    case TriState::No:
      return "no";
    case TriState::Absent:
      break;
  }
  return "absent";
}

std::string sanitizePath(std::string_view path) {
  std::size_t scheme = path.find("://");
  if (scheme != std::string_view::npos && path.find('/') > scheme)
    return std::string(path);
  std::string out;
  std::size_t i = 0;
  if (path.size() >= 2 && path[0] == '/' && path[1] == '/' &&
      (path.size() == 2 || path[2] != '/')) {
    out = "//";
    i = 2;
  }
  while (i < path.size()) {
    if (path[i] != '/') {
      out += path[i++];
      continue;
    }
    while (i < path.size() && path[i] == '/')
      ++i;
    if (!out.empty() && i == path.size())
      break;
    out += '/';
  }
  return out;
}

}  // namespace virtus::model
