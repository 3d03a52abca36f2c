#include "lockd/unix_listen.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace virtus::lockd {

Result<int> listenUnix(const std::string& path) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Locking,
                     "socket path '" + path + "' is empty or too long");
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec)
      return systemError(ErrorDomain::Locking, ec.value(),
                         "Unable to create directory '" + parent.string() + "'");
  }
  path.copy(addr.sun_path, path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return systemError(ErrorDomain::Locking, errno, "Unable to create a unix socket");
  ::unlink(path.c_str());
  mode_t old = ::umask(0077);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::umask(old);
  if (rc < 0) {
    ::close(fd);
    return systemError(ErrorDomain::Locking, err, "Unable to bind to '" + path + "'");
  }
  if (::listen(fd, 64) < 0) {
    err = errno;
    ::close(fd);
    return systemError(ErrorDomain::Locking, err, "Unable to listen on '" + path + "'");
  }
  return fd;
}

}  // namespace virtus::lockd
