#include "hypervisor/qemu/qemu_conf.h"

#include "common/conf_parser.h"
#include "common/conf_reader.h"

namespace virtus::qemu {

Result<QemuConf> parseQemuConf(std::string_view text, std::string_view source) {
  TRY_ASSIGN(auto entries, parseConf(text, source));
  QemuConf conf;
  for (const ConfEntry& entry : firstOfEachName(std::move(entries))) {
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
