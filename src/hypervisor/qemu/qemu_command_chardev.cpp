#include "hypervisor/qemu/qemu_command_chardev.h"

namespace virtus::qemu {

std::string escapeOptionValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == ',')
      out += ',';
  }
  return out;
}

Result<std::string> chardevBackend(const model::ChrSourceDef& src, const std::string& id) {
  if (src.type == "pty")
    return "pty,id=" + id;
  if (src.type == "file")
    return "file,id=" + id + ",path=" + escapeOptionValue(src.path) +
           (src.append == "on" ? ",append=on" : "");
  if (src.type == "unix")
    return "socket,id=" + id + ",path=" + escapeOptionValue(src.path) +
           (src.mode == "bind" ? ",server=on,wait=off" : "");
  return makeError(
      ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
      "character device source type '" + src.type + "' is not supported by Virtus' QEMU driver");
}

}  // namespace virtus::qemu
