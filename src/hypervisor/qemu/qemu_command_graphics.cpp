#include "hypervisor/qemu/qemu_command_graphics.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_chardev.h"
#include "hypervisor/qemu/qemu_command_pci.h"
#include "hypervisor/qemu/qemu_command_support.h"

namespace virtus::qemu {
namespace {

using model::DomainDef;
using model::GraphicsDef;
using nlohmann::ordered_json;

constexpr int kFirstDisplayPort = 5900;
constexpr const char* kDefaultListen = "127.0.0.1";  // libvirt's vnc_listen/spice_listen

bool hasGraphics(const DomainDef& def, const std::string& type) {
  return std::any_of(def.graphics.begin(), def.graphics.end(),
                     [&](const GraphicsDef& g) { return g.type == type; });
}

// The address to listen on; "" for <listen type='none'>.
Result<std::string> listenAddress(const GraphicsDef& g) {
  if (g.listens.empty())
    return std::string(kDefaultListen);
  const model::GraphicsListen& l = g.listens.front();
  if (l.type == "none")
    return std::string();
  if (l.type != "address")
    return unsupported("graphics listen type '" + l.type +
                       "' is not supported by Virtus' QEMU driver");
  return l.address.empty() ? std::string(kDefaultListen) : l.address;
}

Result<int> displayPort(const GraphicsDef& g, const PortAllocator& allocatePort) {
  if (!g.autoport && g.port > 0)
    return g.port;
  if (!allocatePort)
    return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                     "no port allocator was given for the " + g.type + " display");
  return allocatePort(kFirstDisplayPort);
}

Result<void> refuseCommon(const GraphicsDef& g) {
  if (!g.passwd.empty())
    return unsupported("a " + g.type + " password is not supported by Virtus' QEMU driver yet");
  return ok();
}

Result<void> addVnc(QemuGraphicsArgs& out, const DomainDef& def, const GraphicsDef& g,
                    const PortAllocator& allocatePort) {
  TRY(refuseCommon(g));
  TRY_ASSIGN(std::string address, listenAddress(g));
  std::string opt;
  int port = 0;
  if (address.empty()) {
    opt = "none";
  } else {
    TRY_ASSIGN(port, displayPort(g, allocatePort));
    if (port < kFirstDisplayPort)
      return unsupported("VNC port '" + std::to_string(port) + "' is below 5900");
    if (address.find(':') != std::string::npos)
      address = "[" + address + "]";
    opt = escapeOptionValue(address) + ":" + std::to_string(port - kFirstDisplayPort);
  }
  if (!g.sharePolicy.empty())
    opt += ",share=" + g.sharePolicy;
  opt += ",audiodev=" + audiodevId(def);
  out.argv.push_back("-vnc");
  out.argv.push_back(opt);
  if (!g.keymap.empty()) {
    out.argv.push_back("-k");
    out.argv.push_back(g.keymap);
  }
  out.ports.push_back(port);
  return ok();
}

Result<void> addSpice(QemuGraphicsArgs& out, const GraphicsDef& g,
                      const PortAllocator& allocatePort) {
  TRY(refuseCommon(g));
  if (g.tlsPort > 0)
    return unsupported("a SPICE TLS port is not supported by Virtus' QEMU driver yet");
  TRY_ASSIGN(std::string address, listenAddress(g));
  std::string opt;
  int port = 0;
  if (address.empty()) {
    opt = "port=0,";
  } else {
    TRY_ASSIGN(port, displayPort(g, allocatePort));
    opt = "port=" + std::to_string(port) + ",addr=" + escapeOptionValue(address) + ",";
  }
  opt += "disable-ticketing=on,seamless-migration=on";
  out.argv.push_back("-spice");
  out.argv.push_back(opt);
  if (!g.keymap.empty()) {
    out.argv.push_back("-k");
    out.argv.push_back(g.keymap);
  }
  out.ports.push_back(port);
  return ok();
}

struct VideoDriver {
  const char* primary;
  const char* secondary;  // nullptr: only valid as the primary device
};

Result<VideoDriver> videoDriver(const std::string& model) {
  if (model == "vga")
    return VideoDriver{"VGA", nullptr};
  if (model == "cirrus")
    return VideoDriver{"cirrus-vga", nullptr};
  if (model == "qxl")
    return VideoDriver{"qxl-vga", "qxl"};
  if (model == "virtio")
    return VideoDriver{"virtio-vga", "virtio-gpu-pci"};
  if (model == "bochs")
    return VideoDriver{"bochs-display", nullptr};
  return unsupported("video model '" + model + "' is not supported by Virtus' QEMU driver");
}

}  // namespace

std::string audiodevId(const DomainDef&) {
  return "audio1";
}

Result<QemuGraphicsArgs> buildGraphicsArgs(const DomainDef& def,
                                           const PortAllocator& allocatePort) {
  QemuGraphicsArgs out;
  // Everything refused is refused before a port is reserved.
  for (const GraphicsDef& g : def.graphics) {
    if (g.type != "vnc" && g.type != "spice")
      return unsupported("graphics type '" + g.type + "' is not supported by Virtus' QEMU driver");
    TRY(refuseCommon(g));
    if (g.type == "spice" && g.tlsPort > 0)
      return unsupported("a SPICE TLS port is not supported by Virtus' QEMU driver yet");
    TRY(listenAddress(g));
  }
  for (const std::string type : {"vnc", "spice"})
    if (std::count_if(def.graphics.begin(), def.graphics.end(),
                      [&](const GraphicsDef& g) { return g.type == type; }) > 1)
      return unsupported("only one graphics device of type '" + type + "' is supported");
  ordered_json audio{{"id", audiodevId(def)},
                     {"driver", hasGraphics(def, "spice") ? "spice" : "none"}};
  out.argv.push_back("-audiodev");
  out.argv.push_back(audio.dump());
  for (const GraphicsDef& g : def.graphics) {
    if (g.type == "vnc")
      TRY(addVnc(out, def, g, allocatePort));
    else if (g.type == "spice")
      TRY(addSpice(out, g, allocatePort));
    else
      return unsupported("graphics type '" + g.type + "' is not supported by Virtus' QEMU driver");
  }
  return out;
}

Result<std::vector<std::string>> buildVideoArgs(const DomainDef& def) {
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < def.videos.size(); ++i) {
    const model::VideoDef& v = def.videos[i];
    if (v.model == "none")
      continue;
    TRY_ASSIGN(VideoDriver driver, videoDriver(v.model));
    bool primary = i == 0;
    if (!primary && driver.secondary == nullptr)
      return unsupported("video model '" + v.model + "' is only valid as the primary video device");
    ordered_json dev{{"driver", primary ? driver.primary : driver.secondary},
                     {"id", "video" + std::to_string(i)}};
    if (v.model == "qxl") {
      dev["max_outputs"] = v.heads.value_or(1);
      dev["ram_size"] = static_cast<std::uint64_t>(v.ram) * 1024;
      dev["vram_size"] = static_cast<std::uint64_t>(v.vram) * 1024;
      dev["vram64_size_mb"] = 0;
      dev["vgamem_mb"] = (v.vgamem == 0 ? 16384u : v.vgamem) / 1024;
    } else if (v.model == "virtio") {
      dev["max_outputs"] = v.heads.value_or(1);
    } else if (v.model == "vga" && v.vram != 0) {
      dev["vgamem_mb"] = v.vram / 1024;
    } else if (v.model == "bochs") {
      dev["vgamem"] = static_cast<std::uint64_t>(v.vram == 0 ? 16384u : v.vram) * 1024;
    }
    TRY(addPciAddress(dev, def, v.address));
    argv.push_back("-device");
    argv.push_back(dev.dump());
  }
  return argv;
}

}  // namespace virtus::qemu
