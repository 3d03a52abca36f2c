#include "rpc/uri.h"

#include <gtest/gtest.h>

#include <map>

namespace virtus::rpc {
namespace {

SocketEnvironment env(std::map<std::string, std::string> vars) {
  SocketEnvironment e;
  e.home = "/home/u";
  e.getenv = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end())
      return std::nullopt;
    return it->second;
  };
  return e;
}

TEST(ConnectUri, OpenNameDropsTransportAndSocket) {
  for (auto [text, name] : std::vector<std::pair<std::string, std::string>>{
           {"qemu:///system", "qemu:///system"},
           {"qemu:///session", "qemu:///session"},
           {"qemu+unix:///system?socket=/tmp/s", "qemu:///system"},
           {"test+unix:///default?socket=/x/y", "test:///default"},
           {"qemu+unix:///session", "qemu:///session"},
           {"qemu:///session?socket=/s&mode=legacy&extra=1", "qemu:///session?extra=1"}}) {
    auto uri = parseConnectUri(text);
    ASSERT_TRUE(uri) << text << ": " << uri.error().text();
    EXPECT_EQ(connectOpenName(*uri), name) << text;
    EXPECT_FALSE(uri->embedded());
  }
}

TEST(ConnectUri, SocketParameterIsPercentDecoded) {
  auto uri = parseConnectUri("qemu+unix:///session?socket=/tmp/a%20b/sock");
  ASSERT_TRUE(uri);
  EXPECT_EQ(unixSocketPath(*uri, env({})), "/tmp/a b/sock");
}

TEST(ConnectUri, DefaultSocketsFollowLibvirtsRemoteDriver) {
  auto system = parseConnectUri("qemu:///system");
  auto session = parseConnectUri("qemu:///session");
  auto test = parseConnectUri("test+unix:///default");
  ASSERT_TRUE(system && session && test);
  EXPECT_EQ(unixSocketPath(*system, env({{"XDG_RUNTIME_DIR", "/run/user/7"}})),
            "/run/libvirt/libvirt-sock");
  EXPECT_EQ(unixSocketPath(*test, env({})), "/run/libvirt/libvirt-sock");
  EXPECT_EQ(unixSocketPath(*session, env({{"XDG_RUNTIME_DIR", "/run/user/7"}})),
            "/run/user/7/libvirt/libvirt-sock");
  EXPECT_EQ(unixSocketPath(*session, env({{"XDG_CACHE_HOME", "/c"}})), "/c/libvirt/libvirt-sock");
  EXPECT_EQ(unixSocketPath(*session, env({})), "/home/u/.cache/libvirt/libvirt-sock");
}

TEST(ConnectUri, EmbeddedNeedsARoot) {
  auto uri = parseConnectUri("virtus:///embed?root=/srv/virtus");
  ASSERT_TRUE(uri);
  EXPECT_TRUE(uri->embedded());
  EXPECT_EQ(uri->param("root"), "/srv/virtus");
  EXPECT_FALSE(parseConnectUri("virtus:///embed"));
  EXPECT_FALSE(parseConnectUri("virtus:///other?root=/x"));
}

TEST(ConnectUri, UnsupportedUrisAreRefused) {
  auto unknown = parseConnectUri("xen:///system");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::NoConnect);
  EXPECT_FALSE(parseConnectUri("qemu+tcp://host/system"));
  EXPECT_FALSE(parseConnectUri("qemu+ssh://host/system"));
  EXPECT_FALSE(parseConnectUri("not a uri"));
  EXPECT_FALSE(parseConnectUri("qemu:///session?socket=%zz"));
}

}  // namespace
}  // namespace virtus::rpc
