#include "daemon/lock_drivers.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "hypervisor/qemu/qemu_conf.h"
#include "locking/lock_driver_registry.h"
#ifdef VIRTUS_WITH_SANLOCK
#include "locking/sanlock/sanlock_lock_manager.h"
#endif

namespace virtus::daemon {

namespace {

// Where virtusd's own executable is: its helpers (virtus-lockd, ...) are installed beside it.
std::string executableDir() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : self.parent_path().string();
}

// The one list of lock drivers.
locking::LockDriverRegistry lockDrivers() {
  locking::LockDriverRegistry registry;
  locking::registerNopLockDriver(registry);
  locking::registerLockdLockDriver(registry);
#ifdef VIRTUS_WITH_SANLOCK
  locking::registerSanlockLockDriver(registry);
#endif
  return registry;
}

}  // namespace

Result<std::unique_ptr<locking::LockManager>> makeLockManager(os::FileSystem& fs,
                                                              os::CommandRunner& runner,
                                                              const os::RootPaths& paths) {
  TRY_ASSIGN(auto conf, qemu::loadQemuConf(fs, paths.configDir + "/qemu.conf"));
  const locking::LockDriverContext context{fs, runner, paths, executableDir()};
  return lockDrivers().create(conf.lockManager, context);
}

}  // namespace virtus::daemon
