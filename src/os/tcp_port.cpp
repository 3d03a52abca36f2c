#include "os/tcp_port.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace virtus::os {

namespace {

// 1: bound, 0: in use, -1: the address family is not available here.
int tryBind(int family, int port) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc;
  if (family == AF_INET6) {
    (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<std::uint16_t>(port));
    a.sin6_addr = in6addr_any;
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  int err = errno;
  ::close(fd);
  if (rc == 0)
    return 1;
  return err == EADDRNOTAVAIL || err == EAFNOSUPPORT ? -1 : 0;
}

}  // namespace

bool tcpPortFree(int port) {
  if (port <= 0 || port > 65535)
    return false;
  return tryBind(AF_INET, port) != 0 && tryBind(AF_INET6, port) != 0;
}

}  // namespace virtus::os
