#include "model/storage/xpath_lite.h"

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace virtus::model {

namespace {

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

struct Parsed {
  unsigned long long value = 0;
  bool negative = false;
};

std::optional<Parsed> parseUnsignedLike(std::string_view text) {
  std::string s(text);
  if (s.find('\0') != std::string::npos)
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
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

std::optional<std::uint64_t> parseULongLongPositive(std::string_view text) {
  auto parsed = parseUnsignedLike(text);
  if (!parsed || parsed->negative)
    return std::nullopt;
  return static_cast<std::uint64_t>(parsed->value);
}

std::optional<std::uint32_t> parseUIntPositive(std::string_view text) {
  auto parsed = parseUnsignedLike(text);
  if (!parsed || parsed->negative || parsed->value > 0xFFFFFFFFull)
    return std::nullopt;
  return static_cast<std::uint32_t>(parsed->value);
}

std::optional<std::uint32_t> parseUInt(std::string_view text) {
  auto parsed = parseUnsignedLike(text);
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

}  // namespace virtus::model
