#include "os/command.h"

namespace virtus::os {

std::string Command::toArgvText() const {
  std::string out = program;
  bool previousWasOption = false;
  for (const auto& arg : args) {
    bool isOption = !arg.empty() && arg[0] == '-';
    if (previousWasOption && !isOption) {
      out += ' ';
    } else {
      out += " \\\n";
    }
    out += arg;
    previousWasOption = isOption;
  }
  return out;
}

std::string Command::toString() const {
  std::string out = program;
  for (const auto& arg : args) {
    out += ' ';
    out += arg;
  }
  return out;
}

}  // namespace virtus::os
