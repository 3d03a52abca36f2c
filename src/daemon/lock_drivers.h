// virtusd's lock manager: the driver qemu.conf's lock_manager names (nop by default), with
// its own configuration file, out of the one list of lock drivers this build has.
#pragma once

#include <memory>

#include "common/result.h"
#include "locking/lock_manager.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "os/root_paths.h"

namespace virtus::daemon {

// Reads DIR/etc/qemu.conf and creates its lock manager. Errors: the files' syntax, an
// unknown driver, the driver's own configuration.
Result<std::unique_ptr<locking::LockManager>> makeLockManager(os::FileSystem& fs,
                                                              os::CommandRunner& runner,
                                                              const os::RootPaths& paths);

}  // namespace virtus::daemon
