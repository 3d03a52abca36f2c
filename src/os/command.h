// An external program to run, built by pure functions (definition -> Command) apart from
// running it, so that builders can be tested against libvirt's golden .argv files.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace virtus::os {

struct Command {
  std::string program;
  std::vector<std::string> args;
  std::optional<std::string> input;      // written to stdin when set
  std::chrono::milliseconds timeout{0};  // 0: the runner's default deadline

  // libvirt's test rendering (virCommandToString with line breaks): program and
  // arguments joined by " \\\n", except that a value following an option that starts
  // with '-' stays on the option's line ("-o nodev,nosuid").
  std::string toArgvText() const;
  // Shell-like one-line rendering for messages and logs.
  std::string toString() const;

  bool operator==(const Command&) const = default;
};

}  // namespace virtus::os
