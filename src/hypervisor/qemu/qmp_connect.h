// Connecting to the QMP socket of a QEMU that was just started: QEMU creates its socket
// shortly after exec, so the first attempts may find nothing there yet.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "common/result.h"

namespace virtus::os {
class Clock;
}

namespace virtus::qemu {

// A connected, close-on-exec unix stream socket to `socketPath`, retried until the socket
// accepts or `deadline` (of `clock`) passes: OPERATION_TIMEOUT "monitor socket did not
// show up". With `pid` (the QEMU process, a child of the caller or not) the wait ends at
// once when that process exits: INTERNAL_ERROR "process exited while connecting to
// monitor". The socket's directory must exist.
Result<int> connectQmp(const std::string& socketPath, const os::Clock& clock,
                       std::chrono::steady_clock::time_point deadline,
                       std::optional<pid_t> pid = std::nullopt);

}  // namespace virtus::qemu
