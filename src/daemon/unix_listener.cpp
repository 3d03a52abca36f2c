#include "daemon/unix_listener.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace virtus::daemon {

namespace {

Error socketError(int errnum, std::string_view what, const std::string& path) {
  return systemError(ErrorDomain::Rpc, errnum, std::string(what) + " '" + path + "'");
}

Result<sockaddr_un> unixAddress(const std::string& path) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Rpc,
                     "unix socket path '" + path + "' is too long");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// A refused connection is the only proof that nobody listens; anything else (accepted,
// backlog full, permission denied) is treated as a live daemon.
enum class Probe { Missing, Stale, Live };

Probe probeSocket(const std::string& path) {
  auto addr = unixAddress(path);
  if (!addr)
    return Probe::Live;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return Probe::Live;
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
  int err = errno;
  ::close(fd);
  if (rc == 0)
    return Probe::Live;
  if (err == ENOENT)
    return Probe::Missing;
  if (err == ECONNREFUSED)
    return Probe::Stale;
  return Probe::Live;
}

Result<void> clearPath(const std::string& path) {
  struct stat st = {};
  if (::lstat(path.c_str(), &st) < 0) {
    if (errno == ENOENT)
      return ok();
    return socketError(errno, "cannot stat", path);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return makeError(ErrorCode::OperationInvalid, ErrorDomain::Rpc,
                     "'" + path + "' exists and is not a socket");
  }
  switch (probeSocket(path)) {
    case Probe::Missing:
      return ok();
    case Probe::Live:
      return makeError(ErrorCode::OperationInvalid, ErrorDomain::Rpc,
                       "a daemon is already listening on '" + path + "'");
    case Probe::Stale:
      if (::unlink(path.c_str()) < 0 && errno != ENOENT)
        return socketError(errno, "cannot remove stale socket", path);
      return ok();
  }
  return ok();
}

Result<void> ensureDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty())
    return ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    return socketError(ec.value(), "cannot create directory", parent.string());
  return ok();
}

}  // namespace

Result<UnixListener> UnixListener::listen(const UnixSocketSpec& spec) {
  TRY_ASSIGN(sockaddr_un addr, unixAddress(spec.path));
  TRY(ensureDirectory(spec.path));
  TRY(clearPath(spec.path));

  UnixListener listener;
  listener.path_ = spec.path;
  listener.readOnly_ = spec.readOnly;
  listener.fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener.fd_ < 0)
    return socketError(errno, "cannot create socket for", spec.path);
  // The file appears with no access for others, and only then gets its final mode, so it
  // is never wider than configured. umask is per process: this runs before any thread.
  mode_t oldMask = ::umask(0077);
  int rc = ::bind(listener.fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  int bindErr = errno;
  ::umask(oldMask);
  if (rc < 0) {
    ::close(listener.fd_);
    listener.fd_ = -1;
    return socketError(bindErr, "cannot bind socket to", spec.path);
  }
  struct stat st = {};
  if (::stat(spec.path.c_str(), &st) == 0) {
    listener.device_ = st.st_dev;
    listener.inode_ = st.st_ino;
  }
  if (spec.group && ::chown(spec.path.c_str(), static_cast<uid_t>(-1), *spec.group) < 0)
    return socketError(errno, "cannot change the group of socket", spec.path);
  if (::chmod(spec.path.c_str(), static_cast<mode_t>(spec.mode)) < 0)
    return socketError(errno, "cannot change the mode of socket", spec.path);
  if (::listen(listener.fd_, spec.backlog) < 0)
    return socketError(errno, "cannot listen on socket", spec.path);
  return listener;
}

UnixListener::UnixListener(UnixListener&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      readOnly_(other.readOnly_),
      device_(other.device_),
      inode_(other.inode_) {
  other.fd_ = -1;
}

UnixListener& UnixListener::operator=(UnixListener&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    readOnly_ = other.readOnly_;
    device_ = other.device_;
    inode_ = other.inode_;
    other.fd_ = -1;
  }
  return *this;
}

UnixListener::~UnixListener() {
  close();
}

void UnixListener::close() {
  if (fd_ < 0)
    return;
  struct stat st = {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_)
    ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

bool isUnixSocketLive(const std::string& path) {
  return probeSocket(path) == Probe::Live;
}

Result<gid_t> lookupGroup(const std::string& name) {
  std::string digits = name.starts_with("+") ? name.substr(1) : name;
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos &&
      digits.size() < 10) {
    return static_cast<gid_t>(std::stoul(digits));
  }
  std::vector<char> buf(16384);
  group gr = {};
  group* found = nullptr;
  int rc = ::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found);
  if (rc != 0 || !found)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                     "group '" + name + "' does not exist");
  return found->gr_gid;
}

}  // namespace virtus::daemon
