#include "model/domain/domain_chr_xml.h"

#include <climits>

#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

namespace {

const std::initializer_list<std::string_view> kSourceTypes = {
    "null", "vc",   "pty",      "dev",       "file", "pipe",         "stdio", "udp",
    "tcp",  "unix", "spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus"};

const std::initializer_list<std::string_view> kSerialTargets = {
    "isa-serial",    "usb-serial",  "pci-serial", "spapr-vio-serial",
    "system-serial", "sclp-serial", "isa-debug"};
const std::initializer_list<std::string_view> kSerialModels = {
    "isa-serial",  "usb-serial",    "pci-serial", "spapr-vty", "pl011",
    "sclpconsole", "sclplmconsole", "16550a",     "debugcon"};
const std::initializer_list<std::string_view> kConsoleTargets = {
    "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm"};
const std::initializer_list<std::string_view> kChannelTargets = {"guestfwd", "virtio", "xen"};

const char* elementName(ChrKind kind) {
  switch (kind) {
    case ChrKind::Serial:
      return "serial";
    case ChrKind::Console:
      return "console";
    case ChrKind::Channel:
      return "channel";
  }
  return "";
}

Result<void> parseSource(pugi::xml_node node, ChrSourceDef& src) {
  pugi::xml_node source = node.child("source");
  if (src.type == "pty") {
    // A pty's path is where the running guest's terminal is: live state.
    if (source)
      TRY(checkNode(source, {"path"}, {}));
    return ok();
  }
  if (source) {
    if (src.type == "file")
      TRY(checkNode(source, {"path", "append"}, {}));
    else
      TRY(checkNode(source, {"path", "mode"}, {}));
    src.path = attrValue(source, "path").value_or("");
  }
  if (src.path.empty())
    return domainError(ErrorCode::InternalError, "Missing source path attribute for char device");
  if (src.type == "file") {
    TRY_ASSIGN(src.append, enumAttr(source, "append", {"on", "off"}));
  } else {
    TRY_ASSIGN(src.mode, enumAttr(source, "mode", {"bind", "connect"}));
    if (src.mode.empty())
      src.mode = "connect";
  }
  return ok();
}

Error unknownTarget(const std::string& type) {
  return domainError(ErrorCode::ConfigUnsupported,
                     "unknown target type '" + type + "' specified for character device");
}

Result<void> parseTarget(pugi::xml_node node, ChrKind kind, ChrDef& chr) {
  pugi::xml_node target = node.child("target");
  auto type = attrValue(target, "type");
  if (kind == ChrKind::Channel) {
    if (!type)
      return domainError(ErrorCode::XmlError, "target type must be specified for channel device");
    if (!isOneOf(kChannelTargets, *type))
      return unknownTarget(*type);
    if (*type != "virtio")
      return domainError(ErrorCode::ConfigUnsupported,
                         "channel target type '" + *type + "' is not supported by Virtus");
    TRY(checkNode(target, {"type", "name", "state"}, {}));
    chr.targetType = *type;
    chr.targetName = attrValue(target, "name").value_or("");
    return ok();
  }
  if (type && !isOneOf(kind == ChrKind::Serial ? kSerialTargets : kConsoleTargets, *type))
    return unknownTarget(*type);
  chr.targetType = type.value_or("");
  if (kind == ChrKind::Console) {
    if (chr.targetType.empty())
      chr.targetType = "serial";
    if (chr.targetType != "serial" && chr.targetType != "virtio")
      return domainError(ErrorCode::ConfigUnsupported,
                         "console target type '" + chr.targetType + "' is not supported by Virtus");
  }
  if (!target)
    return ok();
  TRY(checkNode(target, {"type", "port"},
                kind == ChrKind::Serial ? std::initializer_list<std::string_view>{"model"}
                                        : std::initializer_list<std::string_view>{}));
  if (auto port = attrValue(target, "port")) {
    auto value = parseUIntPositive(*port);
    if (!value || *value > INT32_MAX)
      return domainError(ErrorCode::XmlError, "Invalid port number: " + *port);
    chr.port = *value;
  }
  if (pugi::xml_node model = target.child("model")) {
    TRY(checkNode(model, {"name"}, {}));
    // libvirt ignores a <model> without name.
    if (auto name = attrValue(model, "name")) {
      if (!isOneOf(kSerialModels, *name))
        return domainError(ErrorCode::ConfigUnsupported,
                           "unknown target model '" + *name + "' specified for character device");
      chr.targetModel = *name;
    }
  }
  return ok();
}

}  // namespace

Result<ChrDef> parseChrXml(pugi::xml_node node, ChrKind kind, unsigned index) {
  // tty: the console's pty in a running guest's XML, live state that is not read back.
  TRY(checkNode(node, {"type", "tty"}, {"source", "target", "address"}));
  ChrDef chr;
  auto type = attrValue(node, "type");
  if (type) {
    if (!isOneOf(kSourceTypes, *type))
      return domainError(ErrorCode::ConfigUnsupported,
                         "unknown type presented to host for character device: " + *type);
    chr.src.type = *type;
  }
  if (chr.src.type != "pty" && chr.src.type != "file" && chr.src.type != "unix")
    return domainError(ErrorCode::ConfigUnsupported,
                       "character device type '" + chr.src.type + "' is not supported by Virtus");
  TRY(parseSource(node, chr.src));
  TRY(parseTarget(node, kind, chr));
  // Console ports are their position (virtio consoles are numbered in order).
  if (kind == ChrKind::Console)
    chr.port = index;
  TRY_ASSIGN(chr.address, parseDeviceAddress(node));
  return chr;
}

void formatChrXml(XmlWriter& w, const ChrDef& chr, ChrKind kind) {
  const char* name = elementName(kind);
  // A pty's path is live state: set while the guest runs (the driver learns it from QEMU).
  const bool ptyPath = chr.src.type == "pty" && !chr.src.path.empty();
  XmlAttrs attrs;
  attrs.add("type", chr.src.type);
  if (ptyPath && kind == ChrKind::Console)
    attrs.add("tty", chr.src.path);
  w.open(name, attrs);
  if (ptyPath)
    w.empty("source", XmlAttrs().add("path", chr.src.path));
  else if (chr.src.type == "file")
    w.empty("source", XmlAttrs().add("path", chr.src.path).addNonEmpty("append", chr.src.append));
  else if (chr.src.type == "unix")
    w.empty("source", XmlAttrs().add("mode", chr.src.mode).add("path", chr.src.path));
  XmlAttrs target;
  target.addNonEmpty("type", chr.targetType);
  if (kind == ChrKind::Channel)
    target.addNonEmpty("name", chr.targetName);
  else if (chr.port)
    target.add("port", std::to_string(*chr.port));
  if (chr.targetModel.empty()) {
    w.empty("target", target);
  } else {
    w.open("target", target);
    w.empty("model", XmlAttrs().add("name", chr.targetModel));
    w.close("target");
  }
  formatDeviceAddress(w, chr.address);
  w.close(name);
}

}  // namespace virtus::model
