#include "cli/parse_errors.h"

namespace virtus::cli {

namespace {

// "--pool" from "--pool", "--pool=x", "pool".
std::string optionName(std::string_view token) {
  while (!token.empty() && token.front() == '-')
    token.remove_prefix(1);
  if (auto eq = token.find('='); eq != std::string_view::npos)
    token = token.substr(0, eq);
  return std::string(token);
}

// CLI11 names an option by its first long name; a positional-capable one may come as "pool".
std::string firstWord(std::string_view text) {
  auto end = text.find_first_of(" :,");
  return std::string(text.substr(0, end));
}

}  // namespace

std::string virshParseErrorMessage(std::string_view kind, std::string_view message,
                                   std::string_view command) {
  const std::string cmd(command);
  if (kind == "RequiredError") {
    constexpr std::string_view kSuffix = " is required";
    if (message.size() > kSuffix.size() &&
        message.substr(message.size() - kSuffix.size()) == kSuffix && !cmd.empty()) {
      return "command '" + cmd + "' requires <" + optionName(firstWord(message)) + "> option";
    }
    return std::string(message);
  }
  if (kind == "ExtrasError") {
    auto colon = message.find(": ");
    if (colon == std::string_view::npos)
      return std::string(message);
    std::string first = firstWord(message.substr(colon + 2));
    if (first.size() > 1 && first[0] == '-' && first[1] == '-') {
      if (cmd.empty())
        return "unknown command: '" + first + "'";
      return "command '" + cmd + "' doesn't support option --" + optionName(first);
    }
    if (cmd.empty())
      return "unknown command: '" + first + "'";
    return "unexpected data '" + first + "'";
  }
  if (kind == "ArgumentMismatch") {
    const std::string name = optionName(firstWord(message));
    if (name.empty())
      return std::string(message);
    // "--pool: At Most 1 required but received 2": given twice (by name or by position).
    if (message.find(": At Most ") != std::string_view::npos) {
      return "option --" + name + " already seen";
    }
    // "--pool: 1 required TEXT missing" and similar: the option came without its value.
    if (message.find(" missing") != std::string_view::npos) {
      return "expected syntax: --" + name + " <string>";
    }
  }
  return std::string(message);
}

}  // namespace virtus::cli
