#include "os/pid_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace virtus::os {

namespace {

Error pidFileError(int errnum, std::string_view what, const std::string& path) {
  return systemError(ErrorDomain::None, errnum, std::string(what) + " '" + path + "'");
}

// Whatever the holder wrote: its pid, or nothing yet if it is between lock and write.
std::string readHolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string text = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  for (char c : text) {
    if (c < '0' || c > '9')
      return "";
  }
  return text;
}

Result<void> ensureParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty())
    return ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    return pidFileError(ec.value(), "cannot create directory", parent.string());
  return ok();
}

}  // namespace

Result<PidFile> PidFile::acquire(const std::string& path, pid_t pid, std::string_view program,
                                 std::string_view rootLabel) {
  TRY(ensureParentDirectory(path));
  // Another daemon may remove the file between our open and our lock; a lock on a removed
  // file protects nothing, so retry until the locked file is the one at `path`.
  for (;;) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return pidFileError(errno, "cannot open pid file", path);
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd, F_OFD_SETLK, &lock) < 0) {
      int err = errno;
      if (err == EAGAIN || err == EACCES) {
        std::string holder = readHolderPid(fd);
        ::close(fd);
        std::string message =
            std::string(program) + " is already running for root '" + std::string(rootLabel) + "'";
        if (!holder.empty())
          message += " (pid " + holder + ")";
        return makeError(ErrorCode::OperationFailed, ErrorDomain::None, message);
      }
      ::close(fd);
      return pidFileError(err, "cannot lock pid file", path);
    }
    struct stat opened = {}, named = {};
    if (::fstat(fd, &opened) < 0) {
      int err = errno;
      ::close(fd);
      return pidFileError(err, "cannot stat pid file", path);
    }
    if (::stat(path.c_str(), &named) < 0 || opened.st_ino != named.st_ino ||
        opened.st_dev != named.st_dev) {
      ::close(fd);
      continue;
    }
    std::string text = std::to_string(pid) + "\n";
    if (::ftruncate(fd, 0) < 0 ||
        ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      int err = errno;
      ::close(fd);
      return pidFileError(err, "cannot write pid file", path);
    }
    return PidFile(path, fd);
  }
}

PidFile::PidFile(PidFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

PidFile& PidFile::operator=(PidFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

PidFile::~PidFile() {
  release();
}

void PidFile::release() {
  if (fd_ < 0)
    return;
  // Unlinking while still locked keeps a starting daemon from locking the old file.
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

PidFile PidFile::adopt(std::string path, int fd) {
  if (fd >= 0)
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return PidFile(std::move(path), fd);
}

}  // namespace virtus::os
