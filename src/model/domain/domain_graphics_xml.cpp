#include "model/domain/domain_graphics_xml.h"

#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

namespace {

const std::initializer_list<std::string_view> kGraphicsTypes = {
    "sdl", "vnc", "rdp", "desktop", "spice", "egl-headless", "dbus"};
const std::initializer_list<std::string_view> kVideoModels = {
    "default",   "vga",    "cirrus", "vmvga", "xen",   "vbox", "qxl",
    "parallels", "virtio", "gop",    "none",  "bochs", "ramfb"};

Result<GraphicsListen> parseListen(pugi::xml_node node) {
  TRY(checkAttrs(node, {"type", "address", "network"}));
  TRY(checkChildren(node, {}));
  GraphicsListen listen;
  auto type = attrValue(node, "type");
  if (!type)
    return missingAttr(node, "type");
  TRY_ASSIGN(listen.type, enumAttr(node, "type", {"address", "network", "socket", "none"}));
  if (listen.type == "socket")
    return domainError(ErrorCode::ConfigUnsupported,
                       "graphics listen type 'socket' is not supported by Virtus");
  if (listen.type == "address") {
    listen.address = attrValue(node, "address").value_or("");
  } else if (listen.type == "network") {
    auto network = attrValue(node, "network");
    if (!network)
      return domainError(ErrorCode::XmlError,
                         "'network' attribute is required for listen type 'network'");
    listen.network = *network;
  }
  return listen;
}

Result<void> parseListens(pugi::xml_node node, GraphicsDef& g) {
  for (pugi::xml_node child : node.children("listen")) {
    TRY_ASSIGN(GraphicsListen listen, parseListen(child));
    g.listens.push_back(std::move(listen));
  }
  // The legacy listen= attribute names the first address listen.
  if (auto address = attrValue(node, "listen")) {
    if (g.listens.empty()) {
      GraphicsListen listen;
      listen.address = *address;
      g.listens.push_back(std::move(listen));
    } else if (g.listens[0].type == "address" && g.listens[0].address != *address) {
      return domainError(ErrorCode::ConfigUnsupported,
                         "graphics 'listen' attribute '" + *address +
                             "' must match 'address' attribute of first listen element (found '" +
                             g.listens[0].address + "')");
    }
  }
  if (g.listens.empty()) {
    GraphicsListen listen;
    // A spice display without any port listens nowhere.
    if (g.type == "spice" && g.port == 0 && g.tlsPort == 0 && !g.autoport)
      listen.type = "none";
    g.listens.push_back(std::move(listen));
  }
  // Ports mean nothing to a display that listens nowhere (libvirt does not format them).
  if (g.listens[0].type == "none") {
    g.port = g.tlsPort = 0;
    g.autoport = false;
  }
  return ok();
}

Result<void> parseVnc(pugi::xml_node node, GraphicsDef& g) {
  TRY(checkAttrs(node, {"type", "port", "autoport", "listen", "keymap", "sharePolicy", "passwd"}));
  if (auto port = attrValue(node, "port")) {
    auto value = parseSigned(*port);
    if (!value || *value < INT32_MIN || *value > INT32_MAX)
      return domainError(ErrorCode::InternalError, "cannot parse vnc port " + *port);
    g.port = static_cast<int>(*value);
    // The legacy way of asking for a port chosen at start.
    if (g.port == -1) {
      g.port = 0;
      g.autoport = true;
    }
  } else {
    g.autoport = true;
  }
  if (auto autoport = attrValue(node, "autoport")) {
    if (*autoport == "yes") {
      g.autoport = true;
      g.port = 0;
    } else if (*autoport == "no") {
      g.autoport = false;
    }
  }
  TRY_ASSIGN(g.sharePolicy,
             enumAttr(node, "sharePolicy", {"allow-exclusive", "force-shared", "ignore"}));
  return ok();
}

Result<void> parseSpice(pugi::xml_node node, GraphicsDef& g) {
  TRY(checkAttrs(node, {"type", "port", "tlsPort", "autoport", "listen", "keymap", "passwd"}));
  TRY_ASSIGN(auto port, propInt(node, "port"));
  TRY_ASSIGN(auto tlsPort, propInt(node, "tlsPort"));
  g.port = port.value_or(0);
  g.tlsPort = tlsPort.value_or(0);
  TRY_ASSIGN(std::string autoport, yesNoAttr(node, "autoport"));
  if (autoport == "yes") {
    g.autoport = true;
    g.port = 0;
    g.tlsPort = 0;
  }
  return ok();
}

}  // namespace

Result<GraphicsDef> parseGraphicsXml(pugi::xml_node node) {
  GraphicsDef g;
  auto type = attrValue(node, "type");
  if (!type)
    return missingAttr(node, "type");
  TRY_ASSIGN(g.type, enumAttr(node, "type", kGraphicsTypes));
  if (g.type != "vnc" && g.type != "spice")
    return domainError(ErrorCode::ConfigUnsupported,
                       "graphics type '" + g.type + "' is not supported by Virtus");
  TRY(checkChildren(node, {"listen"}));
  if (g.type == "vnc")
    TRY(parseVnc(node, g));
  else
    TRY(parseSpice(node, g));
  g.keymap = attrValue(node, "keymap").value_or("");
  g.passwd = attrValue(node, "passwd").value_or("");
  TRY(parseListens(node, g));
  return g;
}

void formatGraphicsXml(XmlWriter& w, const GraphicsDef& g, bool secure, bool inactive) {
  XmlAttrs attrs;
  attrs.add("type", g.type);
  const GraphicsListen& first = g.listens.at(0);
  if (first.type != "none") {
    if (g.type == "vnc") {
      // The port a running guest's display got is shown; a definition's autoport is -1.
      if (g.port != 0 && (!g.autoport || !inactive))
        attrs.add("port", std::to_string(g.port));
      else if (g.autoport)
        attrs.add("port", "-1");
    } else {
      if (g.port > 0)
        attrs.add("port", std::to_string(g.port));
      if (g.tlsPort > 0)
        attrs.add("tlsPort", std::to_string(g.tlsPort));
    }
    attrs.add("autoport", g.autoport ? "yes" : "no");
  }
  if (first.type == "address")
    attrs.addNonEmpty("listen", first.address);
  attrs.addNonEmpty("keymap", g.keymap);
  attrs.addNonEmpty("sharePolicy", g.sharePolicy);
  if (secure)
    attrs.addNonEmpty("passwd", g.passwd);
  w.open("graphics", attrs);
  for (const GraphicsListen& listen : g.listens) {
    XmlAttrs la;
    la.add("type", listen.type);
    if (listen.type == "address")
      la.addNonEmpty("address", listen.address);
    else if (listen.type == "network")
      la.add("network", listen.network);
    w.empty("listen", la);
  }
  w.close("graphics");
}

Result<VideoDef> parseVideoXml(pugi::xml_node node) {
  TRY(checkNode(node, {}, {"model", "address"}));
  VideoDef video;
  pugi::xml_node model = node.child("model");
  if (model) {
    TRY(checkNode(model, {"type", "vram", "ram", "vgamem", "heads", "primary"}, {}));
    auto type = attrValue(model, "type");
    if (type) {
      if (!isOneOf(kVideoModels, *type))
        return domainError(ErrorCode::ConfigUnsupported, "unknown video model '" + *type + "'");
      video.model = *type;
    }
  }
  if (video.model.empty() || video.model == "default")
    video.model = "cirrus";
  if (video.model != "vga" && video.model != "cirrus" && video.model != "qxl" &&
      video.model != "virtio" && video.model != "none")
    return domainError(ErrorCode::ConfigUnsupported,
                       "video model '" + video.model + "' is not supported by Virtus");
  struct Size {
    const char* attr;
    unsigned* out;
  };
  for (const Size& size :
       {Size{"vram", &video.vram}, Size{"ram", &video.ram}, Size{"vgamem", &video.vgamem}}) {
    if (auto text = attrValue(model, size.attr)) {
      auto value = parseUInt(*text);
      if (!value)
        return domainError(ErrorCode::XmlError,
                           "cannot parse video " + std::string(size.attr) + " '" + *text + "'");
      *size.out = *value;
    }
  }
  if (auto heads = attrValue(model, "heads")) {
    auto value = parseUInt(*heads);
    if (!value)
      return domainError(ErrorCode::InternalError, "cannot parse video heads '" + *heads + "'");
    if (*value != 0)
      video.heads = *value;
  } else if (video.model != "none") {
    video.heads = 1;
  }
  video.primary = attrValue(model, "primary") == "yes";
  TRY_ASSIGN(video.address, parseDeviceAddress(node));
  applyVideoDefaults(video);
  return video;
}

void applyVideoDefaults(VideoDef& video) {
  auto roundUp = [](unsigned value) {
    unsigned power = 1;
    while (power < value && power != 0x80000000u)
      power <<= 1;
    return value == 0 ? 0u : power;
  };
  if (video.vram == 0) {
    if (video.model == "vga" || video.model == "cirrus")
      video.vram = 16384;
    else if (video.model == "qxl")
      video.vram = 65536;
  }
  if (video.model == "qxl" && video.ram == 0)
    video.ram = 65536;
  video.vram = roundUp(video.vram);
  video.ram = roundUp(video.ram);
}

void formatVideoXml(XmlWriter& w, const VideoDef& video) {
  XmlAttrs attrs;
  attrs.add("type", video.model);
  if (video.ram != 0)
    attrs.add("ram", std::to_string(video.ram));
  if (video.vram != 0)
    attrs.add("vram", std::to_string(video.vram));
  if (video.vgamem != 0)
    attrs.add("vgamem", std::to_string(video.vgamem));
  if (video.heads)
    attrs.add("heads", std::to_string(*video.heads));
  if (video.primary)
    attrs.add("primary", "yes");
  w.open("video");
  w.empty("model", attrs);
  formatDeviceAddress(w, video.address);
  w.close("video");
}

}  // namespace virtus::model
