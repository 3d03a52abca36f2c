// The only way Virtus runs external programs. Tests script it (tests/fakes), strictly: an
// unexpected command fails the test.
#pragma once

#include <string>

#include "common/result.h"
#include "os/command.h"

namespace virtus::os {

struct CommandOutput {
  int exitStatus = 0;  // the program's exit status; 128+N when killed by signal N
  std::string out;
  std::string err;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs the command to completion or its deadline. An error means the program could
  // not be started or missed its deadline (VIR_ERR_OPERATION_TIMEOUT); a non-zero exit
  // status is a value for the caller to judge.
  virtual Result<CommandOutput> run(const Command& command) = 0;
};

// Runs and requires exit status 0; otherwise VIR_ERR_INTERNAL_ERROR with libvirt's
// "Child process (CMD) unexpected exit status N: STDERR" message.
Result<CommandOutput> runChecked(CommandRunner& runner, const Command& command,
                                 ErrorDomain domain = ErrorDomain::Storage);

}  // namespace virtus::os
