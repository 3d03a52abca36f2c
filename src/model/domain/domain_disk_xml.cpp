#include "model/domain/domain_disk_xml.h"

#include <algorithm>

#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

namespace {

const std::initializer_list<std::string_view> kSourceTypes = {"file", "block", "dir", "volume",
                                                              "network"};
const std::initializer_list<std::string_view> kProtocols = {"nbd",   "rbd",  "sheepdog", "gluster",
                                                            "iscsi", "http", "https"};

Result<SourceSeclabel> parseSeclabel(pugi::xml_node node) {
  TRY(checkNode(node, {"model", "relabel"}, {"label"}));
  SourceSeclabel label;
  label.model = attrValue(node, "model").value_or("");
  TRY_ASSIGN(std::string relabel, yesNoAttr(node, "relabel"));
  if (!relabel.empty())
    label.relabel = relabel == "yes";
  label.label = xpathString(node, "label").value_or("");
  return label;
}

Result<DiskAuth> parseAuth(pugi::xml_node node) {
  TRY(checkNode(node, {"username"}, {"secret"}));
  DiskAuth auth;
  auto username = attrValue(node, "username");
  if (!username || username->empty())
    return domainError(ErrorCode::XmlError, "missing username for auth");
  auth.username = *username;
  pugi::xml_node secret = node.child("secret");
  if (!secret)
    return domainError(ErrorCode::XmlError, "Missing <secret> element in auth");
  TRY(checkNode(secret, {"type", "usage", "uuid"}, {}));
  auto type = attrValue(secret, "type");
  if (!type)
    return domainError(ErrorCode::XmlError, "missing auth secret type");
  if (*type != "ceph" && *type != "iscsi")
    return domainError(ErrorCode::XmlError, "invalid secret type " + *type);
  auth.secret.type = *type;
  auto usage = attrValue(secret, "usage");
  auto uuid = attrValue(secret, "uuid");
  if (usage && uuid)
    return domainError(ErrorCode::XmlError, "either secret uuid or usage expected");
  if (uuid) {
    auto parsed = Uuid::parse(*uuid);
    if (!parsed)
      return domainError(ErrorCode::XmlError, "invalid secret uuid '" + *uuid + "'");
    auth.secret.uuid = *parsed;
  } else if (usage && !usage->empty()) {
    auth.secret.usage = *usage;
  } else {
    return domainError(ErrorCode::XmlError, "either secret uuid or usage expected");
  }
  return auth;
}

Result<DiskHost> parseHost(pugi::xml_node node) {
  TRY(checkNode(node, {"name", "port", "transport", "socket"}, {}));
  DiskHost host;
  TRY_ASSIGN(host.transport, enumAttr(node, "transport", {"tcp", "unix", "rdma"}));
  if (host.transport == "tcp")
    host.transport.clear();
  host.name = attrValue(node, "name").value_or("");
  host.socket = attrValue(node, "socket").value_or("");
  if (host.transport == "unix") {
    if (host.socket.empty())
      return domainError(ErrorCode::XmlError, "missing socket for unix transport");
  } else {
    if (!host.socket.empty())
      return domainError(ErrorCode::XmlError,
                         "transport '" +
                             std::string(host.transport.empty() ? "tcp" : host.transport) +
                             "' does not support socket attribute");
    if (host.name.empty())
      return domainError(ErrorCode::XmlError, "missing hostname for disk source");
  }
  if (auto port = attrValue(node, "port")) {
    auto value = parseUIntPositive(*port);
    if (!value || *value > 65535)
      return domainError(ErrorCode::XmlError, "failed to parse port number '" + *port + "'");
    host.port = *value;
  }
  return host;
}

// The <source> element of a disk or backing layer, for `src.type`.
Result<void> parseSource(pugi::xml_node node, StorageSource& src) {
  if (!node)
    return ok();
  if (src.type == "file") {
    TRY(checkNode(node, {"file"}, {"seclabel"}));
    src.path = attrValue(node, "file").value_or("");
  } else if (src.type == "block") {
    TRY(checkNode(node, {"dev"}, {"seclabel"}));
    src.path = attrValue(node, "dev").value_or("");
  } else if (src.type == "dir") {
    TRY(checkNode(node, {"dir"}, {"seclabel"}));
    src.path = attrValue(node, "dir").value_or("");
  } else if (src.type == "volume") {
    TRY(checkNode(node, {"pool", "volume", "mode"}, {"seclabel"}));
    src.pool = attrValue(node, "pool").value_or("");
    src.volume = attrValue(node, "volume").value_or("");
    TRY_ASSIGN(src.mode, enumAttr(node, "mode", {"host", "direct"}));
    if (src.pool.empty() != src.volume.empty() || (src.pool.empty() && !src.mode.empty()))
      return domainError(ErrorCode::XmlError,
                         "'pool' and 'volume' elements are both required for a volume source");
  } else {  // network
    TRY(checkNode(node, {"protocol", "name"},
                  {"host", "snapshot", "config", "auth", "initiator", "seclabel"}));
    auto protocol = attrValue(node, "protocol");
    if (!protocol)
      return domainError(ErrorCode::XmlError, "missing network source protocol type");
    const std::initializer_list<std::string_view> kAllProtocols = {
        "nbd", "rbd",  "sheepdog", "gluster", "iscsi", "http", "https",
        "ftp", "ftps", "tftp",     "ssh",     "vxhs",  "nfs"};
    if (std::find(kAllProtocols.begin(), kAllProtocols.end(), *protocol) == kAllProtocols.end())
      return domainError(ErrorCode::ConfigUnsupported, "unknown protocol type '" + *protocol + "'");
    if (std::find(kProtocols.begin(), kProtocols.end(), *protocol) == kProtocols.end())
      return domainError(ErrorCode::ConfigUnsupported,
                         "network disk protocol '" + *protocol + "' is not supported by Virtus");
    src.protocol = *protocol;
    src.name = attrValue(node, "name").value_or("");
    if (src.name.empty() && src.protocol != "nbd")
      return domainError(ErrorCode::XmlError, "missing name for disk source");
    for (pugi::xml_node host : node.children("host")) {
      TRY_ASSIGN(DiskHost parsed, parseHost(host));
      src.hosts.push_back(std::move(parsed));
    }
    if (pugi::xml_node snap = node.child("snapshot")) {
      TRY(checkNode(snap, {"name"}, {}));
      src.snapshot = attrValue(snap, "name").value_or("");
    }
    if (pugi::xml_node config = node.child("config")) {
      TRY(checkNode(config, {"file"}, {}));
      src.configFile = attrValue(config, "file").value_or("");
    }
    if (pugi::xml_node initiator = node.child("initiator")) {
      TRY(checkNode(initiator, {}, {"iqn"}));
      TRY(checkNode(initiator.child("iqn"), {"name"}, {}));
      src.initiatorIqn = xpathString(initiator, "iqn/@name").value_or("");
    }
    if (pugi::xml_node auth = node.child("auth")) {
      TRY_ASSIGN(src.auth, parseAuth(auth));
    }
  }
  for (pugi::xml_node label : node.children("seclabel")) {
    TRY_ASSIGN(SourceSeclabel parsed, parseSeclabel(label));
    src.seclabels.push_back(std::move(parsed));
  }
  return ok();
}

Result<std::string> parseSourceType(pugi::xml_node node) {
  auto type = attrValue(node, "type");
  if (!type)
    return std::string("file");
  std::string_view t = *type;
  if (t == "nvme" || t == "vhostuser")
    return domainError(ErrorCode::ConfigUnsupported,
                       "disk type '" + *type + "' is not supported by Virtus");
  return enumAttr(node, "type", kSourceTypes);
}

// <backingStore> elements below `node`, appended to the disk's chain.
Result<void> parseBackingChain(pugi::xml_node node, DiskDef& disk) {
  pugi::xml_node backing = node.child("backingStore");
  if (!backing)
    return ok();
  if (!attrValue(backing, "type")) {
    TRY(checkNode(backing, {}, {}));
    disk.backingTerminated = true;
    return ok();
  }
  TRY(checkNode(backing, {"type", "index"}, {"format", "source", "backingStore"}));
  StorageSource layer;
  TRY_ASSIGN(layer.type, parseSourceType(backing));
  if (pugi::xml_node format = backing.child("format")) {
    TRY(checkNode(format, {"type"}, {}));
    layer.format = attrValue(format, "type").value_or("");
  }
  if (!backing.child("source"))
    return domainError(ErrorCode::XmlError, "missing disk backing store source");
  TRY(parseSource(backing.child("source"), layer));
  disk.backingChain.push_back(std::move(layer));
  return parseBackingChain(backing, disk);
}

Result<void> parseDriver(pugi::xml_node node, DiskDef& disk) {
  if (!node)
    return ok();
  TRY(checkNode(node, {"name", "type", "cache", "io", "discard", "detect_zeroes"}, {}));
  disk.driver.name = attrValue(node, "name").value_or("");
  disk.src.format = attrValue(node, "type").value_or("");
  TRY_ASSIGN(disk.driver.cache,
             enumAttr(node, "cache",
                      {"default", "none", "writethrough", "writeback", "directsync", "unsafe"}));
  TRY_ASSIGN(disk.driver.io, enumAttr(node, "io", {"default", "threads", "native", "io_uring"}));
  TRY_ASSIGN(disk.driver.discard, enumAttr(node, "discard", {"default", "unmap", "ignore"}));
  TRY_ASSIGN(disk.driver.detectZeroes,
             enumAttr(node, "detect_zeroes", {"default", "off", "on", "unmap"}));
  return ok();
}

// The bus libvirt derives from a target name without bus= (virDomainDiskDefParseXML).
std::string busFromDevName(std::string_view dev) {
  if (dev.starts_with("hd"))
    return "ide";
  if (dev.starts_with("sd"))
    return "scsi";
  if (dev.starts_with("vd"))
    return "virtio";
  if (dev.starts_with("fd"))
    return "fdc";
  if (dev.starts_with("xvd"))
    return "xen";
  if (dev.starts_with("ubd"))
    return "uml";
  return "ide";
}

Result<void> parseTarget(pugi::xml_node node, DiskDef& disk) {
  if (node)
    TRY(checkNode(node, {"dev", "bus"}, {}));
  auto dev = attrValue(node, "dev");
  if (!node || !dev || dev->empty()) {
    std::string what = disk.src.path.empty() ? disk.src.name : disk.src.path;
    return domainError(ErrorCode::XmlError, "missing target information for device " + what);
  }
  disk.targetDev = *dev;
  TRY_ASSIGN(disk.targetBus,
             enumAttr(node, "bus",
                      {"ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd", "none"}));
  if (disk.targetBus.empty())
    disk.targetBus = busFromDevName(disk.targetDev);
  std::string_view bus = disk.targetBus;
  if (bus == "xen" || bus == "uml" || bus == "sd" || bus == "none")
    return domainError(ErrorCode::ConfigUnsupported,
                       "disk bus '" + disk.targetBus + "' is not supported by Virtus");
  return ok();
}

void formatAuth(XmlWriter& w, const DiskAuth& auth) {
  w.open("auth", XmlAttrs().add("username", auth.username));
  XmlAttrs secret;
  secret.add("type", auth.secret.type);
  if (auth.secret.uuid)
    secret.add("uuid", auth.secret.uuid->str());
  else
    secret.add("usage", auth.secret.usage);
  w.empty("secret", secret);
  w.close("auth");
}

void formatSource(XmlWriter& w, const StorageSource& src, bool skipAuth) {
  if (src.isEmpty())
    return;
  XmlAttrs attrs;
  if (src.type == "file")
    attrs.add("file", src.path);
  else if (src.type == "block")
    attrs.add("dev", src.path);
  else if (src.type == "dir")
    attrs.add("dir", src.path);
  else if (src.type == "volume")
    attrs.add("pool", src.pool).add("volume", src.volume).addNonEmpty("mode", src.mode);
  else
    attrs.add("protocol", src.protocol).addNonEmpty("name", src.name);

  bool hasChildren = !src.hosts.empty() || !src.snapshot.empty() || !src.configFile.empty() ||
                     !src.initiatorIqn.empty() || !src.seclabels.empty() || (src.auth && !skipAuth);
  if (!hasChildren) {
    w.empty("source", attrs);
    return;
  }
  w.open("source", attrs);
  for (const DiskHost& host : src.hosts) {
    w.empty("host",
            XmlAttrs()
                .addNonEmpty("name", host.name)
                .addIf(host.port.has_value(), "port", host.port ? std::to_string(*host.port) : "")
                .addNonEmpty("transport", host.transport)
                .addNonEmpty("socket", host.socket));
  }
  if (!src.snapshot.empty())
    w.empty("snapshot", XmlAttrs().add("name", src.snapshot));
  if (!src.configFile.empty())
    w.empty("config", XmlAttrs().add("file", src.configFile));
  if (!src.initiatorIqn.empty()) {
    w.open("initiator");
    w.empty("iqn", XmlAttrs().add("name", src.initiatorIqn));
    w.close("initiator");
  }
  for (const SourceSeclabel& label : src.seclabels) {
    XmlAttrs la;
    la.addNonEmpty("model", label.model);
    if (label.relabel)
      la.add("relabel", *label.relabel ? "yes" : "no");
    if (label.label.empty()) {
      w.empty("seclabel", la);
    } else {
      w.open("seclabel", la);
      w.text("label", label.label);
      w.close("seclabel");
    }
  }
  if (src.auth && !skipAuth)
    formatAuth(w, *src.auth);
  w.close("source");
}

void formatBacking(XmlWriter& w, const DiskDef& disk, std::size_t layer) {
  if (layer == disk.backingChain.size()) {
    if (disk.backingTerminated)
      w.empty("backingStore");
    return;
  }
  const StorageSource& src = disk.backingChain[layer];
  w.open("backingStore", XmlAttrs().add("type", src.type));
  if (!src.format.empty())
    w.empty("format", XmlAttrs().add("type", src.format));
  formatSource(w, src, false);
  formatBacking(w, disk, layer + 1);
  w.close("backingStore");
}

}  // namespace

std::optional<unsigned> diskNameToIndex(std::string_view name) {
  for (std::string_view prefix : {"fd", "hd", "vd", "sd", "xvd", "ubd"}) {
    if (!name.starts_with(prefix))
      continue;
    std::string_view rest = name.substr(prefix.size());
    if (rest.empty())
      return std::nullopt;
    unsigned long index = 0;
    std::size_t i = 0;
    for (; i < rest.size() && rest[i] >= 'a' && rest[i] <= 'z'; ++i) {
      index = index * 26 + static_cast<unsigned>(rest[i] - 'a') + 1;
      if (index > 0xffffffUL)
        return std::nullopt;
    }
    if (i == 0)
      return std::nullopt;
    // Trailing partition digits are allowed by libvirt's reader.
    for (; i < rest.size(); ++i) {
      if (rest[i] < '0' || rest[i] > '9')
        return std::nullopt;
    }
    return static_cast<unsigned>(index - 1);
  }
  return std::nullopt;
}

Result<DiskDef> parseDiskXml(pugi::xml_node node) {
  TRY(checkNode(node, {"type", "device"},
                {"driver", "source", "auth", "backingStore", "target", "readonly", "shareable",
                 "serial", "boot", "address"}));
  DiskDef disk;
  TRY_ASSIGN(disk.src.type, parseSourceType(node));
  TRY_ASSIGN(disk.device, enumAttr(node, "device", {"disk", "cdrom", "floppy", "lun"}));
  if (disk.device.empty())
    disk.device = "disk";
  TRY(parseSource(node.child("source"), disk.src));
  if (pugi::xml_node auth = node.child("auth")) {
    if (disk.src.auth)
      return domainError(ErrorCode::XmlError, "an <auth> definition already found for disk source");
    TRY_ASSIGN(disk.src.auth, parseAuth(auth));
    disk.authOnDisk = true;
  }
  TRY(parseDriver(node.child("driver"), disk));
  TRY(parseBackingChain(node, disk));
  TRY(parseTarget(node.child("target"), disk));
  // libvirt makes every cdrom read-only.
  disk.readonly = static_cast<bool>(node.child("readonly")) || disk.device == "cdrom";
  disk.shareable = static_cast<bool>(node.child("shareable"));
  disk.serial = xpathString(node, "serial").value_or("");
  TRY_ASSIGN(disk.bootOrder, parseBootOrder(node));
  TRY_ASSIGN(disk.address, parseDeviceAddress(node));
  return disk;
}

void formatDiskXml(XmlWriter& w, const DiskDef& disk) {
  w.open("disk", XmlAttrs().add("type", disk.src.type).add("device", disk.device));
  const DiskDriver& d = disk.driver;
  if (!d.name.empty() || !disk.src.format.empty() || !d.cache.empty() || !d.io.empty() ||
      !d.discard.empty() || !d.detectZeroes.empty()) {
    w.empty("driver", XmlAttrs()
                          .addNonEmpty("name", d.name)
                          .addNonEmpty("type", disk.src.format)
                          .addNonEmpty("cache", d.cache)
                          .addNonEmpty("io", d.io)
                          .addNonEmpty("discard", d.discard)
                          .addNonEmpty("detect_zeroes", d.detectZeroes));
  }
  if (disk.authOnDisk && disk.src.auth)
    formatAuth(w, *disk.src.auth);
  formatSource(w, disk.src, disk.authOnDisk);
  formatBacking(w, disk, 0);
  w.empty("target", XmlAttrs().add("dev", disk.targetDev).add("bus", disk.targetBus));
  if (disk.readonly)
    w.empty("readonly");
  if (disk.shareable)
    w.empty("shareable");
  w.textIfSet("serial", disk.serial);
  if (disk.bootOrder)
    w.empty("boot", XmlAttrs().add("order", std::to_string(*disk.bootOrder)));
  formatDeviceAddress(w, disk.address);
  w.close("disk");
}

}  // namespace virtus::model
