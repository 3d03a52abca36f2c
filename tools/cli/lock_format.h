// lock-list's human rendering: the lock manager, a table of the locks held (resource,
// domain, host, mode, since) and one of the lockspaces with their states.
#pragma once

#include <string>

#include "locking/lock_manager.h"

namespace virtus::cli {

std::string renderLockReport(const locking::LockReport& report, bool quiet);

}  // namespace virtus::cli
