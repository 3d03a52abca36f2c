// The lock drivers a host can choose in qemu.conf (lock_manager = "nop" | "lockd" |
// "sanlock"): each registers a factory under its name, from one list in virtusd.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "locking/lock_manager.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "os/root_paths.h"

namespace virtus::locking {

// What a driver's factory may use: the host, the daemon's tree (its config file is
// DIR/etc/qemu-NAME.conf) and the directory of Virtus's executables (its helpers).
struct LockDriverContext {
  os::FileSystem& fs;
  os::CommandRunner& runner;
  os::RootPaths paths;
  std::string binDir;

  std::string configPath(std::string_view driver) const {
    return paths.configDir + "/qemu-" + std::string(driver) + ".conf";
  }
};

using LockDriverFactory =
    std::function<Result<std::unique_ptr<LockManager>>(const LockDriverContext& context)>;

class LockDriverRegistry {
 public:
  void add(std::string name, LockDriverFactory factory);
  // VIR_ERR_CONFIG_UNSUPPORTED naming the driver and the known ones when unknown.
  Result<std::unique_ptr<LockManager>> create(const std::string& name,
                                              const LockDriverContext& context) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, LockDriverFactory> factories_;
};

void registerNopLockDriver(LockDriverRegistry& registry);
void registerLockdLockDriver(LockDriverRegistry& registry);

}  // namespace virtus::locking
