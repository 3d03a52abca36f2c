#include "lockd/pid_file_handover.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace virtus::lockd {

int findOpenFd(const std::string& path) {
  struct stat target = {};
  if (::stat(path.c_str(), &target) < 0)
    return -1;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir)
    return -1;
  int found = -1;
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == own)
      continue;
    struct stat st = {};
    if (::fstat(static_cast<int>(fd), &st) == 0 && st.st_dev == target.st_dev &&
        st.st_ino == target.st_ino) {
      found = static_cast<int>(fd);
      break;
    }
  }
  ::closedir(dir);
  return found;
}

AdoptedPidFile::AdoptedPidFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
  if (fd_ >= 0)
    ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
}

AdoptedPidFile::~AdoptedPidFile() {
  if (fd_ < 0)
    return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace virtus::lockd
