#include "daemon/libvirt_socket_paths.h"

#include <gtest/gtest.h>

#include <map>

namespace virtus::daemon {
namespace {

os::UserEnvironment userEnv(bool privileged, std::map<std::string, std::string> vars) {
  os::UserEnvironment env;
  env.privileged = privileged;
  env.home = "/home/u";
  env.getenv = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end())
      return std::nullopt;
    return it->second;
  };
  return env;
}

TEST(LibvirtSocketPaths, RootGetsTheSystemSockets) {
  auto paths = libvirtSocketPaths(userEnv(true, {{"XDG_RUNTIME_DIR", "/run/user/0"}}));
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].path, "/run/libvirt/libvirt-sock");
  EXPECT_FALSE(paths[0].readOnly);
  EXPECT_EQ(paths[1].path, "/run/libvirt/libvirt-sock-ro");
  EXPECT_TRUE(paths[1].readOnly);
}

TEST(LibvirtSocketPaths, UsersGetTheSessionSocketInTheRuntimeDir) {
  auto paths = libvirtSocketPaths(userEnv(false, {{"XDG_RUNTIME_DIR", "/run/user/1000/"}}));
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0].path, "/run/user/1000/libvirt/libvirt-sock");
  EXPECT_FALSE(paths[0].readOnly);
}

TEST(LibvirtSocketPaths, WithoutRuntimeDirTheCacheDirServes) {
  auto cache = libvirtSocketPaths(userEnv(false, {{"XDG_CACHE_HOME", "/c"}}));
  ASSERT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache[0].path, "/c/libvirt/libvirt-sock");
  auto home = libvirtSocketPaths(userEnv(false, {{"XDG_RUNTIME_DIR", ""}}));
  ASSERT_EQ(home.size(), 1u);
  EXPECT_EQ(home[0].path, "/home/u/.cache/libvirt/libvirt-sock");
}

}  // namespace
}  // namespace virtus::daemon
