#include "os/root_paths.h"

#include <gtest/gtest.h>

#include <map>

namespace virtus::os {
namespace {

UserEnvironment user(std::map<std::string, std::string> vars) {
  UserEnvironment env;
  env.home = "/home/u";
  env.getenv = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end())
      return std::nullopt;
    return it->second;
  };
  return env;
}

TEST(RootPaths, UnderRootMirrorsTheSystemTree) {
  auto p = RootPaths::underRoot("/srv/v/");
  EXPECT_EQ(p.root, "/srv/v");
  EXPECT_EQ(p.configDir, "/srv/v/etc");
  EXPECT_EQ(p.runDir, "/srv/v/run");
  EXPECT_EQ(p.libDir, "/srv/v/lib");
  EXPECT_EQ(p.logDir, "/srv/v/log");
  EXPECT_EQ(p.storageConfigDir(), "/srv/v/etc/storage");
  EXPECT_EQ(p.storageAutostartDir(), "/srv/v/etc/storage/autostart");
  EXPECT_EQ(p.storageStateDir(), "/srv/v/run/storage");
}

TEST(RootPaths, RootGetsTheSystemPaths) {
  auto env = user({{"XDG_CONFIG_HOME", "/x"}});
  env.privileged = true;
  auto p = defaultRootPaths(env);
  EXPECT_EQ(p.configDir, "/etc/virtus");
  EXPECT_EQ(p.runDir, "/run/virtus");
  EXPECT_EQ(p.libDir, "/var/lib/virtus");
  EXPECT_EQ(p.logDir, "/var/log/virtus");
  EXPECT_EQ(p.root, "");
}

TEST(RootPaths, UserWithoutXdgVariables) {
  auto p = defaultRootPaths(user({}));
  EXPECT_EQ(p.configDir, "/home/u/.config/virtus");
  EXPECT_EQ(p.runDir, "/home/u/.cache/virtus/run");
  EXPECT_EQ(p.libDir, "/home/u/.local/share/virtus");
  EXPECT_EQ(p.logDir, "/home/u/.cache/virtus/log");
}

TEST(RootPaths, UserWithXdgVariables) {
  auto p = defaultRootPaths(user({{"XDG_CONFIG_HOME", "/c/"},
                                  {"XDG_RUNTIME_DIR", "/run/user/1000"},
                                  {"XDG_DATA_HOME", "/d"},
                                  {"XDG_CACHE_HOME", "/k"}}));
  EXPECT_EQ(p.configDir, "/c/virtus");
  EXPECT_EQ(p.runDir, "/run/user/1000/virtus");
  EXPECT_EQ(p.libDir, "/d/virtus");
  EXPECT_EQ(p.logDir, "/k/virtus/log");
}

TEST(RootPaths, RelativeXdgValuesAreIgnored) {
  auto p = defaultRootPaths(user({{"XDG_CONFIG_HOME", "rel"}}));
  EXPECT_EQ(p.configDir, "/home/u/.config/virtus");
}

}  // namespace
}  // namespace virtus::os
