#include "hypervisor/qemu/qemu_caps_firmware.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "os/file_system.h"

namespace virtus::qemu {

using nlohmann::json;

bool isUefiFirmwareFor(const json& descriptor, std::string_view arch) {
  if (!descriptor.is_object())
    return false;
  auto interfaces = descriptor.find("interface-types");
  auto targets = descriptor.find("targets");
  if (interfaces == descriptor.end() || !interfaces->is_array() || targets == descriptor.end() ||
      !targets->is_array())
    return false;
  if (std::find(interfaces->begin(), interfaces->end(), json("uefi")) == interfaces->end())
    return false;
  // QEMU calls 32-bit x86 "i386".
  std::string qemuArch = arch == "i686" ? "i386" : std::string(arch);
  return std::any_of(targets->begin(), targets->end(), [&](const json& t) {
    return t.is_object() && t.value("architecture", json()).is_string() &&
           t["architecture"].get<std::string>() == qemuArch;
  });
}

std::vector<std::string> findUefiFirmwares(os::FileSystem& fs, std::string_view arch,
                                           const std::vector<std::string>& dirs) {
  std::map<std::string, std::string> byName;  // file name -> path of the first directory
  for (const auto& dir : dirs) {
    auto names = fs.listDirectory(dir);
    if (!names)
      continue;
    for (const auto& name : *names)
      if (name.ends_with(".json"))
        byName.try_emplace(name, dir + "/" + name);
  }
  std::vector<std::string> found;
  for (const auto& [name, path] : byName) {
    auto text = fs.readFile(path);
    if (!text || text->empty())  // unreadable, or hidden by an empty file
      continue;
    json descriptor = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (isUefiFirmwareFor(descriptor, arch))
      found.push_back(path);
  }
  return found;
}

}  // namespace virtus::qemu
