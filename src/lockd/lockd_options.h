// virtus-lockd's command line:
//   virtus-lockd [--root DIR] [--socket PATH] [--pid-file PATH] [--host NAME] [--daemon]
//                [--check-interval SECONDS] [--state-fd N]
// (--state-fd is internal: a re-exec hands the previous process's state to the new one.)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace virtus::lockd {

struct LockdOptions {
  std::optional<std::string> root;
  std::optional<std::string> socketPath;
  std::optional<std::string> pidFile;
  std::optional<std::string> host;
  bool daemon = false;
  int checkInterval = 10;  // seconds between lock-loss checks
  std::optional<int> stateFd;
  bool help = false;
};

// `args` without the program name. Unknown options and bad values:
// VIR_ERR_INVALID_ARG naming them. Both "--opt VALUE" and "--opt=VALUE".
Result<LockdOptions> parseLockdOptions(const std::vector<std::string>& args);

// The command line of a re-exec: the same settings (paths made absolute by the caller),
// without --daemon (the process is already detached), with --state-fd `stateFd`.
std::vector<std::string> reexecArguments(const LockdOptions& options, int stateFd);

std::string lockdUsage();

}  // namespace virtus::lockd
