#include "daemon/libvirt_socket_paths.h"

namespace virtus::daemon {

namespace {

std::string envValue(const os::UserEnvironment& env, std::string_view name) {
  if (!env.getenv)
    return "";
  auto value = env.getenv(name);
  if (!value)
    return "";
  std::string text = *value;
  while (text.size() > 1 && text.back() == '/')
    text.pop_back();
  return text;
}

}  // namespace

std::vector<LibvirtSocketPath> libvirtSocketPaths(const os::UserEnvironment& env) {
  if (env.privileged) {
    // /var/run is a link to /run on every current distribution.
    return {{"/run/libvirt/libvirt-sock", false}, {"/run/libvirt/libvirt-sock-ro", true}};
  }
  std::string dir = envValue(env, "XDG_RUNTIME_DIR");
  if (dir.empty()) {
    dir = envValue(env, "XDG_CACHE_HOME");
    if (dir.empty())
      dir = env.home + "/.cache";
  }
  return {{dir + "/libvirt/libvirt-sock", false}};
}

}  // namespace virtus::daemon
