// The real CommandRunner: posix_spawn with pipes for stdin/stdout/stderr, a poll loop, and
// a deadline after which the child's process group gets SIGTERM, then SIGKILL. The child
// is always reaped before run() returns.
#pragma once

#include <chrono>

#include "os/command_runner.h"

namespace virtus::os {

class LinuxCommandRunner final : public CommandRunner {
 public:
  // `defaultTimeout` applies to commands whose own timeout is 0; `killGrace` is how long a
  // child may take to exit after SIGTERM before it gets SIGKILL.
  explicit LinuxCommandRunner(std::chrono::milliseconds defaultTimeout = std::chrono::minutes(10),
                              std::chrono::milliseconds killGrace = std::chrono::seconds(2));

  Result<CommandOutput> run(const Command& command) override;

 private:
  std::chrono::milliseconds defaultTimeout_;
  std::chrono::milliseconds killGrace_;
};

}  // namespace virtus::os
