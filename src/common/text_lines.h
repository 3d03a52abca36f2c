// The lines of a program's output. Header-only.
#pragma once

#include <string_view>
#include <vector>

namespace virtus {

// The non-empty lines of `text`, without their line ends ("\n" or "\r\n"); views into it.
inline std::vector<std::string_view> nonEmptyLines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!line.empty())
      out.push_back(line);
    if (nl == std::string_view::npos)
      break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace virtus
