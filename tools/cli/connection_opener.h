// The connection the CLI runs on: the in-process storage manager on a root directory.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "driver/connection.h"

namespace virtus::cli {

// `--root DIR`, or the default tree (system paths for root, per-user otherwise).
Result<driver::ConnectionPtr> openConnection(const std::optional<std::string>& root);

}  // namespace virtus::cli
