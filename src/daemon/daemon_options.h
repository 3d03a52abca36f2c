// virtusd's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace virtus::daemon {

struct DaemonOptions {
  std::optional<std::string> root;        // --root DIR
  std::optional<std::string> configPath;  // --config PATH (then the file must exist)
  std::optional<std::string> pidFile;     // --pid-file PATH
  bool daemon = false;                    // --daemon
  bool listenLibvirtPaths = false;        // --listen-libvirt-paths (or the config key)
};

// Either options to run with, or text to print before exiting 0 (--help, --version).
struct ParsedCommandLine {
  DaemonOptions options;
  std::optional<std::string> exitText;
};

// `args` excludes the program name. Errors are VIR_ERR_INVALID_ARG with CLI11's reason.
Result<ParsedCommandLine> parseDaemonOptions(const std::vector<std::string>& args);

}  // namespace virtus::daemon
