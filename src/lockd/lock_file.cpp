#include "lockd/lock_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace virtus::lockd {

namespace {

// F_OFD_SETLK on byte 0, length 1. Returns 0, or the errno.
int setLock(int fd, short type) {
  struct flock lock = {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 1;
  lock.l_pid = 0;
  if (::fcntl(fd, F_OFD_SETLK, &lock) == 0)
    return 0;
  return errno;
}

std::string readStart(int fd) {
  char buf[4096];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

Result<LockAttempt> lockFile(const std::string& path, const LockFileMode& mode) {
  int flags = O_CLOEXEC | O_NOCTTY;
  if (mode.indirect)
    flags |= O_RDWR | (mode.autocreate ? O_CREAT : 0);
  else
    flags |= mode.shared ? O_RDONLY : O_RDWR;
  // Another daemon removes an autocreated file on release: the lock we then take is on a
  // file nobody else will open, so check that the path still names it and retry if not.
  for (int attempt = 0;; ++attempt) {
    int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0)
      return systemError(ErrorDomain::Locking, errno,
                         "Unable to open/create resource '" + path + "'");
    struct stat st = {};
    if (::fstat(fd, &st) < 0) {
      int err = errno;
      ::close(fd);
      return systemError(ErrorDomain::Locking, err, "Unable to check resource '" + path + "'");
    }
    LockAttempt result;
    result.dev = st.st_dev;
    result.ino = st.st_ino;
    if (int err = setLock(fd, mode.shared ? F_RDLCK : F_WRLCK); err != 0) {
      if (err == EAGAIN || err == EACCES) {
        result.busy = true;
        if (mode.indirect)
          result.holder = readStart(fd);
        ::close(fd);
        return result;
      }
      ::close(fd);
      return systemError(ErrorDomain::Locking, err, "Unable to acquire lock on '" + path + "'");
    }
    if (!mode.indirect || !mode.autocreate || sameFile(path, st.st_dev, st.st_ino) ||
        attempt >= 100) {
      result.fd = fd;
      return result;
    }
    ::close(fd);
  }
}

bool sameFile(const std::string& path, dev_t dev, ino_t ino, bool* replaced) {
  struct stat st = {};
  if (::stat(path.c_str(), &st) < 0) {
    if (replaced)
      *replaced = false;
    return false;
  }
  bool same = st.st_dev == dev && st.st_ino == ino;
  if (replaced)
    *replaced = !same;
  return same;
}

void writeHolder(int fd, const std::string& text) {
  // Written first, then cut to its length: a truncation to 0 before the write would make
  // ext4 (auto_da_alloc) flush the file's data at the unlink of its release, milliseconds
  // per lock file.
  const ssize_t written = ::pwrite(fd, text.data(), text.size(), 0);
  if (written == static_cast<ssize_t>(text.size())) [[maybe_unused]]
    int rc = ::ftruncate(fd, static_cast<off_t>(text.size()));
}

void unlockFile(int fd, const std::string& path, dev_t dev, ino_t ino, const LockFileMode& mode) {
  if (fd < 0)
    return;
  if (mode.indirect && sameFile(path, dev, ino)) {
    if (mode.autocreate) {
      if (!mode.shared || setLock(fd, F_WRLCK) == 0)
        ::unlink(path.c_str());
    } else if (!mode.shared) {
      [[maybe_unused]] int rc = ::ftruncate(fd, 0);
    }
  }
  ::close(fd);
}

Result<void> makeLockspaceDir(const std::string& dir) {
  struct stat st = {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                       "Lockspace location '" + dir + "' exists, but is not a directory");
    return ok();
  }
  auto slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0)
    TRY(makeLockspaceDir(dir.substr(0, slash)));
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST)
    return systemError(ErrorDomain::Locking, errno, "Unable to create lockspace '" + dir + "'");
  return ok();
}

}  // namespace virtus::lockd
