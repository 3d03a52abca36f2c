// The system calls behind one lock: open the resource file, take an OFD fcntl lock on its
// first byte without waiting (as virtlockd does: F_WRLCK exclusive, F_RDLCK shared), and
// what happens to the file on release. OFD locks belong to the open file description, so
// two opens conflict even within one process, and the lock lives as long as the fd.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace virtus::lockd {

struct LockAttempt {
  int fd = -1;        // the locked fd, or -1 when busy
  bool busy = false;  // someone else holds a conflicting lock
  dev_t dev = 0;      // the file (locked or busy)
  ino_t ino = 0;
  std::string holder;  // busy: the start of the file (an indirect lock's holder record)
};

struct LockFileMode {
  bool shared = false;
  bool indirect = false;    // a lock file in a lockspace (opened read-write)
  bool autocreate = false;  // indirect: create it (0600) when missing
};

// Opens `path` and locks it. A direct file is opened O_RDONLY for a shared lock, O_RDWR for
// an exclusive one, and must exist. An autocreated lock file that another daemon removes
// between open and lock is opened again. Failures: VIR_ERR_SYSTEM_ERROR "Unable to
// open/create resource 'PATH': ..." or "Unable to acquire lock on 'PATH': ...".
Result<LockAttempt> lockFile(const std::string& path, const LockFileMode& mode);

// Whether `path` still names the file (dev, ino): false when removed or replaced.
// `replaced` tells which.
bool sameFile(const std::string& path, dev_t dev, ino_t ino, bool* replaced = nullptr);

// Writes `text` as the file's whole content (the holder record); best effort.
void writeHolder(int fd, const std::string& text);

// Gives up a lock: an autocreated lock file is removed when nobody else holds it (a shared
// lock is first upgraded, which fails while another holder exists), an indirect exclusive
// one is emptied of its holder record; then the fd is closed.
void unlockFile(int fd, const std::string& path, dev_t dev, ino_t ino, const LockFileMode& mode);

// Creates `dir` and its missing parents with mode 0700.
Result<void> makeLockspaceDir(const std::string& dir);

}  // namespace virtus::lockd
