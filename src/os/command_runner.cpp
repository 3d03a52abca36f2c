#include "os/command_runner.h"

namespace virtus::os {

Result<CommandOutput> runChecked(CommandRunner& runner, const Command& command,
                                 ErrorDomain domain) {
  TRY_ASSIGN(auto output, runner.run(command));
  if (output.exitStatus != 0) {
    std::string err = output.err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' '))
      err.pop_back();
    return makeError(ErrorCode::InternalError, domain,
                     "Child process (" + command.toString() + ") unexpected exit status " +
                         std::to_string(output.exitStatus) + (err.empty() ? "" : ": " + err));
  }
  return output;
}

}  // namespace virtus::os
