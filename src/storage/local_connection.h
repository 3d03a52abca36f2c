// An in-process connection: the pool manager on a root directory, with the real host
// (LinuxCommandRunner, LinuxFileSystem, SystemClock). The CLI's embedded mode and tests
// use it; the daemon builds the same pieces.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "driver/connection.h"
#include "os/root_paths.h"

namespace virtus::storage {

struct LocalConnectionOptions {
  os::RootPaths paths;
  bool autostart = true;  // start autostart pools when opening
  std::chrono::milliseconds commandTimeout = std::chrono::minutes(10);
  // BackendContext::networkTimeout.
  std::chrono::milliseconds networkTimeout = std::chrono::seconds(30);
};

class LocalConnection : public driver::Connection {
 public:
  // What loading the state on disk reported (broken files, pools that failed to start).
  virtual const std::vector<Error>& startupProblems() const = 0;
};

std::unique_ptr<LocalConnection> openLocalConnection(const LocalConnectionOptions& options);
std::unique_ptr<LocalConnection> openLocalConnection(const os::RootPaths& paths);

}  // namespace virtus::storage
