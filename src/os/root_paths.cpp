#include "os/root_paths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace virtus::os {

namespace {

std::string withoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

// An XDG variable counts only when set to an absolute path, as the XDG spec says.
std::string xdgDir(const UserEnvironment& env, std::string_view var, std::string_view fallback) {
  if (env.getenv) {
    if (auto value = env.getenv(var); value && !value->empty() && (*value)[0] == '/') {
      return withoutTrailingSlashes(*value);
    }
  }
  return env.home + "/" + std::string(fallback);
}

}  // namespace

RootPaths RootPaths::underRoot(const std::string& dir) {
  std::string base = withoutTrailingSlashes(dir);
  RootPaths paths;
  paths.root = base;
  paths.configDir = base + "/etc";
  paths.runDir = base + "/run";
  paths.libDir = base + "/lib";
  paths.logDir = base + "/log";
  return paths;
}

RootPaths defaultRootPaths(const UserEnvironment& env) {
  RootPaths paths;
  if (env.privileged) {
    paths.configDir = "/etc/virtus";
    paths.runDir = "/run/virtus";
    paths.libDir = "/var/lib/virtus";
    paths.logDir = "/var/log/virtus";
    return paths;
  }
  std::string cache = xdgDir(env, "XDG_CACHE_HOME", ".cache");
  paths.configDir = xdgDir(env, "XDG_CONFIG_HOME", ".config") + "/virtus";
  std::string runtime;
  if (env.getenv) {
    if (auto value = env.getenv("XDG_RUNTIME_DIR"); value && !value->empty()) {
      runtime = withoutTrailingSlashes(*value) + "/virtus";
    }
  }
  paths.runDir = runtime.empty() ? cache + "/virtus/run" : runtime;
  paths.libDir = xdgDir(env, "XDG_DATA_HOME", ".local/share") + "/virtus";
  paths.logDir = cache + "/virtus/log";
  return paths;
}

UserEnvironment processUserEnvironment() {
  UserEnvironment env;
  env.privileged = ::geteuid() == 0;
  if (const char* home = std::getenv("HOME"); home && *home) {
    env.home = home;
  } else {
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found) {
      env.home = found->pw_dir;
    } else {
      env.home = "/";
    }
  }
  env.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value)
      return std::nullopt;
    return std::string(value);
  };
  return env;
}

RootPaths processDefaultRootPaths() {
  return defaultRootPaths(processUserEnvironment());
}

}  // namespace virtus::os
