// The pid file across a re-exec. os::PidFile holds its OFD lock on a private fd; the lock
// survives exec when that fd stays open, so the old process passes the fd number on and the
// new one adopts it (the lock is never dropped, a second daemon stays refused).
#pragma once

#include <string>

namespace virtus::lockd {

// The number of this process's fd open on `path` (same device and inode), or -1.
int findOpenFd(const std::string& path);

// The pid file as a re-exec'd process holds it: removes the file, then drops the lock, when
// it goes (as os::PidFile does).
class AdoptedPidFile {
 public:
  AdoptedPidFile(std::string path, int fd);
  AdoptedPidFile(const AdoptedPidFile&) = delete;
  AdoptedPidFile& operator=(const AdoptedPidFile&) = delete;
  ~AdoptedPidFile();

 private:
  std::string path_;
  int fd_;
};

}  // namespace virtus::lockd
