#include "storage/backends/gluster/gluster_connection.h"

#include <dirent.h>
#include <fcntl.h>
#include <glusterfs/api/glfs.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>

namespace virtus::storage::gluster {

namespace {

Error storageSystemError(int errnum, const std::string& message) {
  return systemError(ErrorDomain::Storage, errnum, message);
}

// What the waiting caller and the glfs_init thread share.
struct InitWait {
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  bool abandoned = false;  // the caller gave up: the thread cleans up
  int rc = 0;
  int errnum = 0;
};

std::string describeDuration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0)
    return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

std::string describeServer(const GlusterLocation& loc) {
  return glusterUri(loc, "/");
}

}  // namespace

// ---- GlusterFile ----

GlusterFile::~GlusterFile() {
  if (fd_ != nullptr)
    glfs_close(fd_);
}

Result<std::size_t> GlusterFile::readAt(std::uint64_t offset, std::span<char> buf) {
  std::size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = glfs_pread(fd_, buf.data() + done, buf.size() - done,
                           static_cast<off_t>(offset + done), 0, nullptr);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return storageSystemError(errno, "unable to read " + where_);
    }
    if (n == 0)
      break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Result<void> GlusterFile::writeAt(std::uint64_t offset, std::span<const char> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = glfs_pwrite(fd_, data.data() + done, data.size() - done,
                            static_cast<off_t>(offset + done), 0, nullptr, nullptr);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return storageSystemError(errno, "cannot write to " + where_);
    }
    if (n == 0)
      return storageSystemError(EIO, "cannot write to " + where_);
    done += static_cast<std::size_t>(n);
  }
  return ok();
}

Result<void> GlusterFile::truncate(std::uint64_t size) {
  if (glfs_ftruncate(fd_, static_cast<off_t>(size), nullptr, nullptr) < 0) {
    return storageSystemError(
        errno, "cannot truncate " + where_ + " to " + std::to_string(size) + " bytes");
  }
  return ok();
}

Result<void> GlusterFile::allocate(std::uint64_t offset, std::uint64_t length) {
  if (glfs_fallocate(fd_, 0, static_cast<off_t>(offset), static_cast<std::size_t>(length)) < 0) {
    int e = errno;
    if (e == EOPNOTSUPP || e == ENOSYS) {
      return makeError(ErrorCode::OperationUnsupported, ErrorDomain::Storage,
                       "the gluster volume of " + where_ + " cannot preallocate space");
    }
    return storageSystemError(e,
                              "cannot allocate " + std::to_string(length) + " bytes in " + where_);
  }
  return ok();
}

Result<struct stat> GlusterFile::stat() {
  struct stat st {};
  if (glfs_fstat(fd_, &st) < 0)
    return storageSystemError(errno, "cannot stat " + where_);
  return st;
}

Result<std::optional<std::uint64_t>> GlusterFile::nextData(std::uint64_t offset) {
  off_t r = glfs_lseek(fd_, static_cast<off_t>(offset), SEEK_DATA);
  if (r < 0) {
    int e = errno;
    if (e == ENXIO)
      return std::optional<std::uint64_t>();
    if (e == EINVAL || e == EOPNOTSUPP || e == ENOSYS) {
      return makeError(ErrorCode::OperationUnsupported, ErrorDomain::Storage,
                       "the gluster volume of " + where_ + " cannot find holes");
    }
    return storageSystemError(e, "cannot seek in " + where_);
  }
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(r));
}

Result<std::uint64_t> GlusterFile::nextHole(std::uint64_t offset) {
  off_t r = glfs_lseek(fd_, static_cast<off_t>(offset), SEEK_HOLE);
  if (r < 0)
    return storageSystemError(errno, "cannot seek in " + where_);
  return static_cast<std::uint64_t>(r);
}

Result<void> GlusterFile::sync() {
  if (glfs_fsync(fd_, nullptr, nullptr) < 0)
    return storageSystemError(errno, "cannot sync " + where_);
  return ok();
}

// ---- GlusterConnection ----

Result<std::shared_ptr<GlusterConnection>> GlusterConnection::connect(
    const GlusterLocation& loc, const std::string& poolName, GlusterReaper& reaper,
    std::chrono::milliseconds initTimeout) {
  const std::string server = describeServer(loc);
  glfs_t* fs = glfs_new(loc.volume.c_str());
  if (fs == nullptr) {
    return storageSystemError(
        errno, "cannot create a gluster client for pool '" + poolName + "' (" + server + ")");
  }
  auto release = [&reaper, fs] { reaper.run([fs] { glfs_fini(fs); }); };
  // gfapi logs to a file of its own otherwise; errors come back through errno.
  glfs_set_logging(fs, "/dev/null", 0);
  if (glfs_set_volfile_server(fs, "tcp", loc.host.c_str(), loc.port.value_or(0)) < 0) {
    int e = errno;
    release();
    return storageSystemError(
        e, "failed to set gluster volfile server '" + loc.host + "' for pool '" + poolName + "'");
  }

  auto wait = std::make_shared<InitWait>();
  reaper.run([fs, wait] {
    int rc = glfs_init(fs);
    int e = errno;
    std::unique_lock lock(wait->mutex);
    if (wait->abandoned) {
      lock.unlock();
      glfs_fini(fs);
      return;
    }
    wait->finished = true;
    wait->rc = rc;
    wait->errnum = e;
    wait->done.notify_all();
  });
  {
    std::unique_lock lock(wait->mutex);
    if (!wait->done.wait_for(lock, initTimeout, [&] { return wait->finished; })) {
      wait->abandoned = true;
      return makeError(ErrorCode::OperationTimeout, ErrorDomain::Storage,
                       "cannot connect to " + server + " for gluster pool '" + poolName +
                           "': no answer within " + describeDuration(initTimeout));
    }
    if (wait->rc < 0) {
      int e = wait->errnum != 0 ? wait->errnum : EIO;
      lock.unlock();
      release();
      return storageSystemError(
          e, "failed to connect to " + server + " for gluster pool '" + poolName + "'");
    }
  }

  std::shared_ptr<GlusterConnection> conn(new GlusterConnection(fs, loc, poolName, reaper));
  struct stat st {};
  if (glfs_stat(fs, loc.dir.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) {
    int e = S_ISDIR(st.st_mode) ? errno : ENOTDIR;
    return storageSystemError(e, "failed to change to directory '" + loc.dir + "' in '" +
                                     loc.volume + "' of gluster pool '" + poolName + "'");
  }
  return conn;
}

GlusterConnection::~GlusterConnection() {
  glfs* fs = fs_;
  reaper_.run([fs] { glfs_fini(fs); });
}

Error GlusterConnection::fail(int errnum, const std::string& what, const std::string& path) const {
  return storageSystemError(errnum,
                            what + " '" + uri(path) + "' of gluster pool '" + poolName_ + "'");
}

Result<std::vector<GlusterDirEntry>> GlusterConnection::list(const std::string& dir) {
  glfs_fd_t* d = glfs_opendir(fs_, dir.c_str());
  if (d == nullptr)
    return fail(errno, "cannot open directory", dir);
  std::vector<GlusterDirEntry> entries;
  // readdirplus_r needs room for the longest name after the dirent.
  struct {
    struct dirent ent;
    char padding[256];
  } buf{};
  for (;;) {
    GlusterDirEntry e;
    struct dirent* result = nullptr;
    int rc = glfs_readdirplus_r(d, &e.st, &buf.ent, &result);
    if (rc != 0) {
      int err = rc > 0 ? rc : errno;
      glfs_closedir(d);
      return fail(err, "failed to read directory", dir);
    }
    if (result == nullptr)
      break;
    e.name = result->d_name;
    if (e.name == "." || e.name == "..")
      continue;
    entries.push_back(std::move(e));
  }
  glfs_closedir(d);
  return entries;
}

Result<std::optional<struct stat>> GlusterConnection::stat(const std::string& path, bool follow) {
  struct stat st {};
  int rc = follow ? glfs_stat(fs_, path.c_str(), &st) : glfs_lstat(fs_, path.c_str(), &st);
  if (rc < 0) {
    if (errno == ENOENT)
      return std::optional<struct stat>();
    return fail(errno, "cannot stat", path);
  }
  return std::optional<struct stat>(st);
}

Result<struct statvfs> GlusterConnection::statvfs(const std::string& path) {
  struct statvfs sv {};
  if (glfs_statvfs(fs_, path.c_str(), &sv) < 0)
    return fail(errno, "cannot statvfs", path);
  return sv;
}

Result<std::unique_ptr<GlusterFile>> GlusterConnection::open(const std::string& path, int flags,
                                                             std::uint32_t mode) {
  glfs_fd_t* fd = (flags & O_CREAT) ? glfs_creat(fs_, path.c_str(), flags, mode)
                                    : glfs_open(fs_, path.c_str(), flags);
  if (fd == nullptr) {
    int e = errno;
    if (e == EEXIST) {
      return makeError(ErrorCode::StorageVolExist, ErrorDomain::Storage, "'" + uri(path) + "'");
    }
    return fail(e, (flags & O_CREAT) ? "cannot create" : "cannot open volume", path);
  }
  return std::make_unique<GlusterFile>(fd, uri(path), poolName_);
}

Result<void> GlusterConnection::removeFile(const std::string& path) {
  if (glfs_unlink(fs_, path.c_str()) < 0 && errno != ENOENT)
    return fail(errno, "cannot remove gluster volume file", path);
  return ok();
}

Result<void> GlusterConnection::removeDirectory(const std::string& path) {
  if (glfs_rmdir(fs_, path.c_str()) < 0 && errno != ENOENT)
    return fail(errno, "cannot remove gluster volume dir", path);
  return ok();
}

Result<void> GlusterConnection::makeDirectory(const std::string& path, std::uint32_t mode) {
  if (glfs_mkdir(fs_, path.c_str(), mode) < 0) {
    int e = errno;
    if (e == EEXIST) {
      return makeError(ErrorCode::StorageVolExist, ErrorDomain::Storage, "'" + uri(path) + "'");
    }
    return fail(e, "cannot create directory", path);
  }
  return ok();
}

}  // namespace virtus::storage::gluster
