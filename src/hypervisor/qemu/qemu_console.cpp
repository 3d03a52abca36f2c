#include "hypervisor/qemu/qemu_console.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace virtus::qemu {

namespace {

constexpr std::string_view kPtyPrefix = "pty:";

std::string serialChardev(std::size_t index) {
  return "charserial" + std::to_string(index);
}

// consoles[0] of target type serial stands for serials[0] (libvirt's compatibility rule).
bool mirrorsFirstSerial(const model::DomainDef& def, std::size_t consoleIndex) {
  return consoleIndex == 0 && !def.serials.empty() && !def.consoles.empty() &&
         def.consoles[0].targetType == "serial";
}

ConsoleTarget serialTarget(const model::DomainDef& def, std::size_t index) {
  return ConsoleTarget{"serial" + std::to_string(index), serialChardev(index),
                       def.serials[index].src.type == "pty"};
}

ConsoleTarget consoleTarget(const model::DomainDef& def, std::size_t index) {
  if (mirrorsFirstSerial(def, index))
    return serialTarget(def, 0);
  // Consoles of their own (virtio) have no chardev on Virtus' command line.
  return ConsoleTarget{"console" + std::to_string(index), "",
                       def.consoles[index].src.type == "pty"};
}

Error chrError(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Qemu, std::move(message));
}

}  // namespace

std::map<std::string, std::string> parsePtyPaths(const nlohmann::json& chardevs) {
  std::map<std::string, std::string> out;
  if (!chardevs.is_array())
    return out;
  for (const auto& entry : chardevs) {
    if (!entry.is_object())
      continue;
    auto label = entry.find("label");
    auto filename = entry.find("filename");
    if (label == entry.end() || filename == entry.end() || !label->is_string() ||
        !filename->is_string())
      continue;
    const std::string file = filename->get<std::string>();
    if (file.size() > kPtyPrefix.size() && file.compare(0, kPtyPrefix.size(), kPtyPrefix) == 0)
      out[label->get<std::string>()] = file.substr(kPtyPrefix.size());
  }
  return out;
}

Result<ConsoleTarget> findConsole(const model::DomainDef& def, std::string_view devName) {
  std::optional<ConsoleTarget> found;
  if (!devName.empty()) {
    for (std::size_t i = 0; !found && i < def.consoles.size(); ++i)
      if (auto t = consoleTarget(def, i); t.alias == devName)
        found = t;
    for (std::size_t i = 0; !found && i < def.serials.size(); ++i)
      if (auto t = serialTarget(def, i); t.alias == devName)
        found = t;
  } else if (!def.consoles.empty()) {
    found = consoleTarget(def, 0);
  } else if (!def.serials.empty()) {
    found = serialTarget(def, 0);
  }
  if (!found)
    return chrError("cannot find character device " +
                    (devName.empty() ? std::string("(null)") : std::string(devName)));
  if (!found->pty)
    return chrError("character device " + (devName.empty() ? found->alias : std::string(devName)) +
                    " is not using a PTY");
  return *found;
}

void setPtyPaths(model::DomainDef& def, const std::map<std::string, std::string>& ptys) {
  for (std::size_t i = 0; i < def.serials.size(); ++i) {
    model::ChrDef& serial = def.serials[i];
    if (serial.src.type != "pty")
      continue;
    auto it = ptys.find(serialChardev(i));
    serial.src.path = it == ptys.end() ? "" : it->second;
  }
  if (mirrorsFirstSerial(def, 0) && def.consoles[0].src.type == "pty")
    def.consoles[0].src.path = def.serials[0].src.path;
}

}  // namespace virtus::qemu
