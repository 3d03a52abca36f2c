#include "storage/backends/vstorage/vstorage_mount.h"

#include <cstdio>

namespace virtus::storage::vstorage {

namespace {

// Undoes the octal escapes (\040 space, \011 tab, \012 newline, \134 backslash) of a
// mount table field.
std::string unescape(std::string_view field) {
  std::string out;
  auto isOctal = [](char c) { return c >= '0' && c <= '7'; };
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && isOctal(field[i + 1]) &&
        isOctal(field[i + 2]) && isOctal(field[i + 3])) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                               (field[i + 3] - '0'));
      i += 3;
      continue;
    }
    out += field[i];
  }
  return out;
}

}  // namespace

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
    auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos)
      continue;
    auto sp2 = line.find(' ', sp1 + 1);
    std::string_view source = line.substr(0, sp1);
    std::string_view dir = line.substr(
        sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1);
    if (unescape(source) == cluster && unescape(dir) == def.target.path)
      return true;
  }
  return false;
}

}  // namespace virtus::storage::vstorage
