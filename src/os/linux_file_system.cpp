#include "os/linux_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "common/path_util.h"

namespace virtus::os {

namespace {

constexpr ErrorDomain kDomain = ErrorDomain::None;

Error sysError(int errnum, const std::string& message) {
  return systemError(kDomain, errnum, message);
}

std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

std::string octal(std::uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

FileTime toTime(const struct statx_timestamp& ts) {
  return FileTime{ts.tv_sec, ts.tv_nsec};
}

FileStat fromStatx(const struct statx& sx) {
  FileStat st;
  st.size = sx.stx_size;
  st.allocated = sx.stx_blocks * 512;
  st.mode = sx.stx_mode & 07777;
  st.uid = sx.stx_uid;
  st.gid = sx.stx_gid;
  st.isRegular = S_ISREG(sx.stx_mode);
  st.isDirectory = S_ISDIR(sx.stx_mode);
  st.isBlockDevice = S_ISBLK(sx.stx_mode);
  st.isSymlink = S_ISLNK(sx.stx_mode);
  st.atime = toTime(sx.stx_atime);
  st.mtime = toTime(sx.stx_mtime);
  st.ctime = toTime(sx.stx_ctime);
  if (sx.stx_mask & STATX_BTIME)
    st.btime = toTime(sx.stx_btime);
  st.device = (static_cast<std::uint64_t>(sx.stx_dev_major) << 32) | sx.stx_dev_minor;
  st.inode = sx.stx_ino;
  return st;
}

// statx on (dirfd, path, flags); errno is left for the caller on failure.
bool doStatx(int dirfd, const char* path, int flags, FileStat& out) {
  struct statx sx {};
  if (::statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_BTIME, &sx) < 0)
    return false;
  out = fromStatx(sx);
  return true;
}

class LinuxFile final : public File {
 public:
  LinuxFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~LinuxFile() override { ::close(fd_); }
  LinuxFile(const LinuxFile&) = delete;
  LinuxFile& operator=(const LinuxFile&) = delete;

  Result<std::size_t> readAt(std::uint64_t offset, std::span<char> buf) override {
    std::size_t done = 0;
    while (done < buf.size()) {
      ssize_t n =
          ::pread(fd_, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return sysError(errno, "cannot read file " + quoted(path_));
      }
      if (n == 0)
        break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

  Result<void> writeAt(std::uint64_t offset, std::span<const char> data) override {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return sysError(errno, "cannot write file " + quoted(path_));
      }
      done += static_cast<std::size_t>(n);
    }
    return ok();
  }

  Result<FileStat> stat() override {
    FileStat st;
    if (!doStatx(fd_, "", AT_EMPTY_PATH, st)) {
      return sysError(errno, "cannot stat file " + quoted(path_));
    }
    // statx gives a block device no size: an open one can tell its own.
    std::uint64_t deviceSize = 0;
    if (st.isBlockDevice && ::ioctl(fd_, BLKGETSIZE64, &deviceSize) == 0)
      st.size = deviceSize;
    return st;
  }

  Result<void> truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) < 0) {
      return sysError(errno, "cannot truncate file " + quoted(path_));
    }
    return ok();
  }

  Result<void> allocate(std::uint64_t offset, std::uint64_t length) override {
    if (length == 0)
      return ok();
    int rc;
    do {
      rc = ::fallocate(fd_, 0, static_cast<off_t>(offset), static_cast<off_t>(length));
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
      if (errno == EOPNOTSUPP || errno == ENOSYS) {
        return makeError(ErrorCode::OperationUnsupported, kDomain,
                         "preallocation is not supported for file " + quoted(path_));
      }
      return sysError(
          errno, "cannot allocate " + std::to_string(length) + " bytes in file " + quoted(path_));
    }
    return ok();
  }

  Result<void> punchHole(std::uint64_t offset, std::uint64_t length) override {
    if (length == 0)
      return ok();
    if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                    static_cast<off_t>(length)) < 0) {
      if (errno == EOPNOTSUPP || errno == ENOSYS) {
        return makeError(ErrorCode::OperationUnsupported, kDomain,
                         "punching holes is not supported for file " + quoted(path_));
      }
      return sysError(errno, "cannot punch a hole in file " + quoted(path_));
    }
    return ok();
  }

  Result<std::optional<std::uint64_t>> nextData(std::uint64_t offset) override {
    off_t r = ::lseek(fd_, static_cast<off_t>(offset), SEEK_DATA);
    if (r >= 0)
      return std::optional<std::uint64_t>(static_cast<std::uint64_t>(r));
    if (errno == ENXIO)
      return std::optional<std::uint64_t>();
    if (errno == EINVAL || errno == EOPNOTSUPP) {
      // No SEEK_DATA here: everything before the end counts as data.
      TRY_ASSIGN(auto st, stat());
      if (offset < st.size)
        return std::optional<std::uint64_t>(offset);
      return std::optional<std::uint64_t>();
    }
    return sysError(errno, "cannot seek to data in file " + quoted(path_));
  }

  Result<std::uint64_t> nextHole(std::uint64_t offset) override {
    off_t r = ::lseek(fd_, static_cast<off_t>(offset), SEEK_HOLE);
    if (r >= 0)
      return static_cast<std::uint64_t>(r);
    if (errno == ENXIO || errno == EINVAL || errno == EOPNOTSUPP) {
      TRY_ASSIGN(auto st, stat());
      return std::max<std::uint64_t>(st.size, offset);
    }
    return sysError(errno, "cannot seek to a hole in file " + quoted(path_));
  }

  Result<bool> cloneFrom(File& source) override {
    auto* src = dynamic_cast<LinuxFile*>(&source);
    if (src == nullptr)
      return false;
    if (::ioctl(fd_, FICLONE, src->fd_) < 0) {
      if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EXDEV || errno == EINVAL ||
          errno == ENOSYS) {
        return false;
      }
      return sysError(errno, "failed to clone files from " + quoted(src->path_));
    }
    return true;
  }

  Result<void> sync() override {
    if (::fsync(fd_) < 0)
      return sysError(errno, "cannot sync data to file " + quoted(path_));
    return ok();
  }

  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

// The entries of an open DIR stream, closing it.
Result<std::vector<std::string>> readEntries(DIR* dir, const std::string& path) {
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    struct dirent* ent = ::readdir(dir);
    if (ent == nullptr) {
      int err = errno;
      ::closedir(dir);
      if (err != 0)
        return sysError(err, "Unable to read directory " + quoted(path));
      return names;
    }
    std::string_view name(ent->d_name);
    if (name == "." || name == "..")
      continue;
    names.emplace_back(name);
  }
}

// Flags of OpenMode::Read (see LinuxFileSystem::open).
constexpr int kReadFlags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;

class LinuxDirectory final : public Directory {
 public:
  LinuxDirectory(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~LinuxDirectory() override { ::close(fd_); }
  LinuxDirectory(const LinuxDirectory&) = delete;
  LinuxDirectory& operator=(const LinuxDirectory&) = delete;

  const std::string& path() const override { return path_; }

  Result<std::vector<std::string>> list() override {
    // A descriptor of its own: a DIR stream owns and moves the offset of the one it gets.
    int fd = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return sysError(errno, "cannot open directory " + quoted(path_));
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      int err = errno;
      ::close(fd);
      return sysError(err, "cannot open directory " + quoted(path_));
    }
    return readEntries(dir, path_);
  }

  Result<FileStat> statAt(const std::string& name) override {
    FileStat st;
    if (!doStatx(fd_, name.c_str(), 0, st))
      return sysError(errno, "cannot stat file " + quoted(join(name)));
    return st;
  }

  Result<FileStat> lstatAt(const std::string& name) override {
    FileStat st;
    if (!doStatx(fd_, name.c_str(), AT_SYMLINK_NOFOLLOW, st))
      return sysError(errno, "cannot stat file " + quoted(join(name)));
    return st;
  }

  Result<FilePtr> openAt(const std::string& name) override {
    int fd;
    do {
      fd = ::openat(fd_, name.c_str(), kReadFlags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
      return sysError(errno, "cannot open file " + quoted(join(name)));
    return FilePtr(std::make_unique<LinuxFile>(fd, join(name)));
  }

 private:
  std::string join(const std::string& name) const { return joinPath(path_, name); }

  int fd_;
  std::string path_;
};

}  // namespace

Result<FilePtr> LinuxFileSystem::open(const std::string& path, OpenMode mode,
                                      std::uint32_t createMode) {
  int flags = O_CLOEXEC | O_NOCTTY;
  switch (mode) {
    // O_NONBLOCK: opening a FIFO met while scanning a pool must not hang; it changes
    // nothing for regular files and directories.
    case OpenMode::Read:
      flags = kReadFlags;
      break;
    case OpenMode::ReadWrite:
      flags |= O_RDWR;
      break;
    case OpenMode::WriteOnly:
      flags |= O_WRONLY;
      break;
    case OpenMode::CreateExclusive:
      flags |= O_RDWR | O_CREAT | O_EXCL;
      break;
  }
  int fd;
  do {
    fd = ::open(path.c_str(), flags, static_cast<mode_t>(createMode));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (mode == OpenMode::CreateExclusive) {
      return sysError(errno, "Failed to create file " + quoted(path));
    }
    return sysError(errno, "cannot open file " + quoted(path));
  }
  if (mode == OpenMode::CreateExclusive) {
    // The umask must not narrow the mode the caller asked for.
    if (::fchmod(fd, static_cast<mode_t>(createMode)) < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return sysError(err, "cannot set mode of " + quoted(path) + " to " + octal(createMode));
    }
  }
  return FilePtr(std::make_unique<LinuxFile>(fd, path));
}

Result<FileStat> LinuxFileSystem::stat(const std::string& path) {
  FileStat st;
  if (!doStatx(AT_FDCWD, path.c_str(), 0, st)) {
    return sysError(errno, "cannot stat file " + quoted(path));
  }
  return st;
}

Result<FileStat> LinuxFileSystem::lstat(const std::string& path) {
  FileStat st;
  if (!doStatx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, st)) {
    return sysError(errno, "cannot stat file " + quoted(path));
  }
  return st;
}

bool LinuxFileSystem::exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

Result<std::vector<std::string>> LinuxFileSystem::listDirectory(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr)
    return sysError(errno, "cannot open directory " + quoted(path));
  return readEntries(dir, path);
}

Result<DirectoryPtr> LinuxFileSystem::openDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return sysError(errno, "cannot open directory " + quoted(path));
  return DirectoryPtr(std::make_unique<LinuxDirectory>(fd, path));
}

Result<void> LinuxFileSystem::makeDirectory(const std::string& path, std::uint32_t mode) {
  if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) < 0) {
    return sysError(errno, "cannot create directory " + quoted(path));
  }
  // The umask must not narrow the requested mode.
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) < 0) {
    return sysError(errno, "cannot set mode of " + quoted(path) + " to " + octal(mode));
  }
  return ok();
}

Result<void> LinuxFileSystem::makeDirectories(const std::string& path, std::uint32_t mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return ok();
    return sysError(ENOTDIR, "cannot create path " + quoted(path));
  }
  std::string parent = parentDirectory(path);
  if (parent != path && parent != "/" && parent != ".") {
    TRY(makeDirectories(parent, mode));
  }
  if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) < 0 && errno != EEXIST) {
    return sysError(errno, "cannot create path " + quoted(path));
  }
  return ok();
}

Result<void> LinuxFileSystem::removeFile(const std::string& path) {
  if (::unlink(path.c_str()) < 0)
    return sysError(errno, "cannot unlink file " + quoted(path));
  return ok();
}

Result<void> LinuxFileSystem::removeDirectory(const std::string& path) {
  if (::rmdir(path.c_str()) < 0) {
    return sysError(errno, "cannot remove directory " + quoted(path));
  }
  return ok();
}

Result<void> LinuxFileSystem::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) < 0) {
    return sysError(errno, "cannot rename file " + quoted(from) + " as " + quoted(to));
  }
  return ok();
}

Result<void> LinuxFileSystem::symlink(const std::string& target, const std::string& linkPath) {
  if (::symlink(target.c_str(), linkPath.c_str()) < 0) {
    return sysError(errno,
                    "Failed to create symlink " + quoted(linkPath) + " to " + quoted(target));
  }
  return ok();
}

Result<void> LinuxFileSystem::chmod(const std::string& path, std::uint32_t mode) {
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) < 0) {
    return sysError(errno, "cannot set mode of " + quoted(path) + " to " + octal(mode));
  }
  return ok();
}

Result<void> LinuxFileSystem::chown(const std::string& path, std::optional<std::uint32_t> uid,
                                    std::optional<std::uint32_t> gid) {
  uid_t u = uid ? static_cast<uid_t>(*uid) : static_cast<uid_t>(-1);
  gid_t g = gid ? static_cast<gid_t>(*gid) : static_cast<gid_t>(-1);
  if (::chown(path.c_str(), u, g) < 0) {
    return sysError(errno, "cannot chown " + quoted(path) + " to (" +
                               std::to_string(static_cast<unsigned>(u)) + ", " +
                               std::to_string(static_cast<unsigned>(g)) + ")");
  }
  return ok();
}

Result<FsStat> LinuxFileSystem::statfs(const std::string& path) {
  struct statvfs sb {};
  if (::statvfs(path.c_str(), &sb) < 0) {
    return sysError(errno, "cannot statvfs path " + quoted(path));
  }
  FsStat out;
  out.capacity = static_cast<std::uint64_t>(sb.f_blocks) * sb.f_frsize;
  out.available = static_cast<std::uint64_t>(sb.f_bavail) * sb.f_frsize;
  out.free = static_cast<std::uint64_t>(sb.f_bfree) * sb.f_frsize;
  return out;
}

Result<std::string> LinuxFileSystem::readFile(const std::string& path) {
  TRY_ASSIGN(auto file, open(path, OpenMode::Read));
  std::string out;
  char buf[65536];
  std::uint64_t offset = 0;
  for (;;) {
    TRY_ASSIGN(auto n, file->readAt(offset, std::span<char>(buf, sizeof buf)));
    out.append(buf, n);
    offset += n;
    if (n < sizeof buf)
      break;
  }
  return out;
}

Result<void> LinuxFileSystem::writeFileAtomic(const std::string& path, std::string_view content,
                                              std::uint32_t mode) {
  std::string tmpl = path + ".XXXXXX";
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0)
    return sysError(errno, "cannot create temporary file " + quoted(tmpl));
  auto fail = [&](int err, const std::string& message) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return sysError(err, message);
  };
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return fail(errno, "cannot write file " + quoted(tmpl));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) < 0) {
    return fail(errno, "cannot set mode of " + quoted(tmpl) + " to " + octal(mode));
  }
  if (::fsync(fd) < 0)
    return fail(errno, "cannot sync data to file " + quoted(tmpl));
  if (::close(fd) < 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return sysError(err, "cannot close file " + quoted(tmpl));
  }
  if (::rename(tmpl.c_str(), path.c_str()) < 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return sysError(err, "cannot rename file " + quoted(tmpl) + " as " + quoted(path));
  }
  std::string dir = parentDirectory(path);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return sysError(errno, "cannot open directory " + quoted(dir));
  int rc = ::fsync(dfd);
  int err = errno;
  ::close(dfd);
  if (rc < 0)
    return sysError(err, "cannot sync directory " + quoted(dir));
  return ok();
}

}  // namespace virtus::os
