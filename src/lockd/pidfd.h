// A process as a file descriptor (pidfd_open(2)): readable once the process exited, and not
// fooled by a later process reusing the pid.
#pragma once

#include <sys/types.h>

namespace virtus::lockd {

// The pidfd (close-on-exec), or -1 with errno set (ESRCH: no such process).
int openPidFd(pid_t pid);

}  // namespace virtus::lockd
