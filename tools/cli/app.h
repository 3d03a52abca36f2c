// The whole client behind main(): global options, every command group, CLI11 parsing, and
// virsh's conventions for output and exit status. main() supplies the host pieces, tests
// supply fakes.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/connection_opener.h"

namespace virtus::cli {

struct CliHost {
  std::ostream& out;
  std::ostream& err;
  os::FileSystem& fs;
  bool stdoutIsTerminal = false;
  // The connection for the global options (`--root DIR`, `-c URI`), opened when a command
  // first needs it.
  std::function<Result<driver::ConnectionPtr>(const ConnectTarget& target)> open;
};

// args without the program name. Returns the exit status: 0 on success, 1 on any error.
int runCli(const std::vector<std::string>& args, CliHost& host);

}  // namespace virtus::cli
