// The daemon's listening unix socket: created (its directory too, mode 0600) after the pid
// file lock is held, so that a stale socket file from a dead daemon can be replaced safely.
#pragma once

#include <string>

#include "common/result.h"

namespace virtus::lockd {

Result<int> listenUnix(const std::string& path);

}  // namespace virtus::lockd
