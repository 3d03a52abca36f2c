#include "hypervisor/qemu/qemu_conf.h"

#include <set>

#include "common/conf_parser.h"
#include "common/conf_reader.h"

namespace virtus::qemu {

Result<QemuConf> parseQemuConf(std::string_view text, std::string_view source) {
  TRY_ASSIGN(auto entries, parseConf(text, source));
  QemuConf conf;
  std::set<std::string> seen;
  for (const ConfEntry& entry : entries) {
    if (!seen.insert(entry.name).second)
      continue;  // as in libvirt, the first of repeated keys wins
    const ConfReader reader(entry, source);
    if (entry.name == "lock_manager") {
      TRY_ASSIGN(conf.lockManager, reader.string());
    }
  }
  return conf;
}

Result<QemuConf> loadQemuConf(os::FileSystem& fs, const std::string& path) {
  if (!fs.exists(path))
    return QemuConf{};
  TRY_ASSIGN(std::string text, fs.readFile(path));
  return parseQemuConf(text, path);
}

}  // namespace virtus::qemu
