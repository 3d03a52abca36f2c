#include "os/tcp_port.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace virtus::os {
namespace {

TEST(TcpPort, AListeningPortIsNotFreeAndIsAgainOnceClosed) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const int port = ntohs(a.sin_port);
  EXPECT_FALSE(tcpPortFree(port));
  ::close(fd);
  EXPECT_TRUE(tcpPortFree(port));
}

TEST(TcpPort, PortsOutsideTheRangeAreNeverFree) {
  EXPECT_FALSE(tcpPortFree(0));
  EXPECT_FALSE(tcpPortFree(65536));
}

}  // namespace
}  // namespace virtus::os
