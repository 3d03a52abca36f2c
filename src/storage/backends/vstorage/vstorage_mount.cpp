#include "storage/backends/vstorage/vstorage_mount.h"

#include <cstdio>

#include "storage/backends/fs/fs_mounts.h"

namespace virtus::storage::vstorage {

os::Command buildMount(const model::PoolDef& def, std::uint32_t mode, const std::string& group,
                       const std::string& user) {
  char octal[16];
  std::snprintf(octal, sizeof octal, "%o", mode);
  os::Command cmd;
  cmd.program = "vstorage-mount";
  cmd.args = {"-c", def.source.name, def.target.path, "-m", octal, "-g", group, "-u", user};
  return cmd;
}

os::Command buildUmount(const model::PoolDef& def) {
  os::Command cmd;
  cmd.program = "umount";
  cmd.args = {def.target.path};
  return cmd;
}

bool isMountedIn(std::string_view mounts, const model::PoolDef& def) {
  const std::string cluster = "vstorage://" + def.source.name;
  while (!mounts.empty()) {
    auto nl = mounts.find('\n');
    std::string_view line = mounts.substr(0, nl);
    mounts.remove_prefix(nl == std::string_view::npos ? mounts.size() : nl + 1);
    auto fields = fs::mountLineFields(line);
    if (fields.size() >= 2 && fields[0] == cluster && fields[1] == def.target.path)
      return true;
  }
  return false;
}

}  // namespace virtus::storage::vstorage
