#include "lockd/pidfd.h"

#include <sys/syscall.h>
#include <unistd.h>

namespace virtus::lockd {

int openPidFd(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

}  // namespace virtus::lockd
