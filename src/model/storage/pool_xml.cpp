#include "model/storage/pool_xml.h"

#include <functional>

#include "model/storage/pool_type_name.h"
#include "model/storage/pool_type_traits.h"
#include "model/storage/pool_validate.h"
#include "model/storage/storage_adapter_xml.h"
#include "model/storage/storage_auth_xml.h"
#include "model/storage/storage_perms_xml.h"
#include "model/storage/storage_xml_props.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

namespace {

constexpr std::string_view kDocName = "storage_pool_definition";

Error unsupported(std::string message) {
  return storageError(ErrorCode::ConfigUnsupported, std::move(message));
}

// ---- namespaces (pugixml has none: prefixes are resolved by hand) ----

std::string_view namespaceOf(pugi::xml_node node, std::string_view prefix) {
  std::string attr = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attr.c_str()))
      return a.value();
  }
  return {};
}

// True when `node` is the element {uri}local.
bool isElement(pugi::xml_node node, std::string_view uri, std::string_view local) {
  if (node.type() != pugi::node_element)
    return false;
  std::string_view name = node.name();
  std::string_view prefix;
  if (auto colon = name.find(':'); colon != std::string_view::npos) {
    prefix = name.substr(0, colon);
    name = name.substr(colon + 1);
  }
  return name == local && namespaceOf(node, prefix) == uri;
}

// Calls `read` on every <uri:option> of every <uri:list> under the root, in order.
Result<void> forEachNamespaceOption(pugi::xml_node root, std::string_view uri,
                                    std::string_view list,
                                    const std::function<Result<void>(pugi::xml_node)>& read) {
  for (pugi::xml_node opts : root.children()) {
    if (!isElement(opts, uri, list))
      continue;
    for (pugi::xml_node option : opts.children()) {
      if (isElement(option, uri, "option"))
        TRY(read(option));
    }
  }
  return ok();
}

Result<void> parseFsNamespace(pugi::xml_node root, std::string_view uri, PoolDef& def) {
  return forEachNamespaceOption(root, uri, "mount_opts",
                                [&](pugi::xml_node option) -> Result<void> {
                                  auto name = attrValue(option, "name");
                                  if (!name)
                                    return storageXmlError("no fs mount option name specified");
                                  def.mountOpts.push_back(*name);
                                  return ok();
                                });
}

Result<void> parseRbdNamespace(pugi::xml_node root, std::string_view uri, PoolDef& def) {
  return forEachNamespaceOption(
      root, uri, "config_opts", [&](pugi::xml_node option) -> Result<void> {
        auto name = attrValue(option, "name");
        if (!name)
          return storageXmlError("no rbd option name specified");
        if (name->empty())
          return storageXmlError("empty rbd option name specified");
        auto value = attrValue(option, "value");
        if (!value)
          return storageXmlError("no rbd option value specified for name '" + *name + "'");
        if (value->empty()) {
          return storageXmlError("empty rbd option value specified for name '" + *name + "'");
        }
        def.rbdConfigOpts.emplace_back(*name, *value);
        return ok();
      });
}

// ---- <source> ----

Result<void> parseSource(pugi::xml_node node, const PoolTypeTraits& traits, PoolDef& def) {
  PoolSource& source = def.source;
  source.name = xpathString(node, "name").value_or("");
  if (traits.requiresSourceName && source.name.empty()) {
    return storageXmlError("element 'name' is mandatory for RBD pool");
  }

  if (!traits.sourceFormats.empty()) {
    auto format = xpathString(node.child("format"), "@type");
    if (!format) {
      source.format = std::string(traits.defaultSourceFormat);
    } else if (poolSourceFormatIndex(traits, *format) < 0) {
      return unsupported("unknown pool format type " + *format);
    } else {
      source.format = *format;
    }
  }

  for (pugi::xml_node host : node.children("host")) {
    auto name = attrValue(host, "name");
    if (!name)
      return storageXmlError("missing storage pool host name");
    TRY_ASSIGN(auto port, propInt(host, "port"));
    PoolSourceHost parsed;
    parsed.name = *name;
    if (port && *port != 0)
      parsed.port = *port;  // 0 means "no port" to libvirt
    source.hosts.push_back(std::move(parsed));
  }

  source.initiatorIqn = xpathString(node.child("initiator").child("iqn"), "@name").value_or("");

  for (pugi::xml_node device : node.children("device")) {
    auto path = attrValue(device, "path");
    if (!path)
      return storageXmlError("missing storage pool source device path");
    PoolSourceDevice parsed;
    parsed.path = *path;
    TRY_ASSIGN(parsed.partSeparator, propTristateBool(device, "part_separator"));
    source.devices.push_back(std::move(parsed));
  }

  if (auto dir = xpathString(node.child("dir"), "@path"))
    source.dir = sanitizePath(*dir);
  if (source.dir.empty() && traits.dirDefaultsToRoot)
    source.dir = "/";

  if (pugi::xml_node adapter = node.child("adapter")) {
    TRY_ASSIGN(source.adapter, parseStorageAdapter(adapter));
  }

  if (pugi::xml_node auth = node.child("auth")) {
    TRY_ASSIGN(auto parsed, parseStorageAuth(auth));
    if (parsed.auth.type.empty())
      return unsupported("storage pool missing auth type");
    source.auth = std::move(parsed.auth);
    source.authSecretType = std::move(parsed.secretType);
  }

  if (auto ver = xpathString(node.child("protocol"), "@ver")) {
    source.protocolVer = 0u;
    TRY(checkPoolProtocolVer(def));
    auto value = parseUIntPositive(*ver, 0);  // virStrToLong_uip, any base
    if (!value)
      return storageXmlError("storage pool protocol ver '" + *ver + "' is malformed");
    source.protocolVer = *value;
    if (*value == 0)
      source.protocolVer.reset();  // libvirt treats 0 as "not set"
  }

  source.vendor = xpathString(node.child("vendor"), "@name").value_or("");
  source.product = xpathString(node.child("product"), "@name").value_or("");
  return ok();
}

Result<pugi::xml_document> parseDocument(std::string_view xml) {
  return parseXmlDocument(xml, "pool", kDocName, ErrorDomain::Storage);
}

// ---- format ----

void formatSource(XmlWriter& w, const PoolTypeTraits& traits, const PoolSource& src) {
  w.open("source");
  if (traits.sourceHost) {
    for (const PoolSourceHost& host : src.hosts) {
      XmlAttrs attrs;
      attrs.add("name", host.name);
      if (host.port && *host.port != 0)
        attrs.add("port", std::to_string(*host.port));
      w.empty("host", attrs);
    }
  }
  if (traits.sourceDevice) {
    for (const PoolSourceDevice& device : src.devices) {
      XmlAttrs attrs;
      attrs.add("path", device.path);
      attrs.addIf(device.partSeparator != TriState::Absent, "part_separator",
                  triStateName(device.partSeparator));
      if (device.freeExtents.empty()) {
        w.empty("device", attrs);
        continue;
      }
      w.open("device", attrs);
      for (const PoolFreeExtent& extent : device.freeExtents) {
        w.empty("freeExtent", XmlAttrs()
                                  .add("start", std::to_string(extent.start))
                                  .add("end", std::to_string(extent.end)));
      }
      w.close("device");
    }
  }
  if (traits.sourceDir && !src.dir.empty())
    w.empty("dir", XmlAttrs().add("path", src.dir));
  if (traits.sourceAdapter)
    formatStorageAdapter(w, src.adapter);
  if (traits.sourceName)
    w.textIfSet("name", src.name);
  if (traits.sourceInitiatorIqn && !src.initiatorIqn.empty()) {
    w.open("initiator");
    w.empty("iqn", XmlAttrs().add("name", src.initiatorIqn));
    w.close("initiator");
  }
  if (!traits.sourceFormats.empty()) {
    std::string_view format = src.format.empty() ? traits.defaultSourceFormat : src.format;
    w.empty("format", XmlAttrs().add("type", format));
  }
  if (src.auth)
    formatStorageAuth(w, *src.auth, src.authSecretType);
  if (src.protocolVer && *src.protocolVer != 0) {
    w.empty("protocol", XmlAttrs().add("ver", std::to_string(*src.protocolVer)));
  }
  if (!src.vendor.empty())
    w.empty("vendor", XmlAttrs().add("name", src.vendor));
  if (!src.product.empty())
    w.empty("product", XmlAttrs().add("name", src.product));
  w.close("source");
}

bool hasNamespaceData(const PoolTypeTraits& traits, const PoolDef& def) {
  if (traits.nsUri == kFsNamespaceUri)
    return !def.mountOpts.empty();
  if (traits.nsUri == kRbdNamespaceUri)
    return !def.rbdConfigOpts.empty();
  return false;
}

void formatNamespaceData(XmlWriter& w, const PoolTypeTraits& traits, const PoolDef& def) {
  std::string prefix(traits.nsPrefix);
  if (traits.nsUri == kFsNamespaceUri) {
    w.open(prefix + ":mount_opts");
    for (const std::string& option : def.mountOpts) {
      w.empty(prefix + ":option", XmlAttrs().add("name", option));
    }
    w.close(prefix + ":mount_opts");
  } else {
    w.open(prefix + ":config_opts");
    for (const auto& [name, value] : def.rbdConfigOpts) {
      w.empty(prefix + ":option", XmlAttrs().add("name", name).add("value", value));
    }
    w.close(prefix + ":config_opts");
  }
}

}  // namespace

Result<PoolSource> parsePoolSourceSpec(std::string_view xml, PoolType type) {
  TRY_ASSIGN(pugi::xml_document doc,
             parseXmlDocument(xml, "source", "storage_source_specification", ErrorDomain::Storage));
  PoolDef def;
  def.type = type;
  TRY(parseSource(doc.document_element(), poolTypeTraits(type), def));
  return std::move(def.source);
}

std::string formatPoolSourceList(PoolType type, const std::vector<PoolSource>& sources) {
  const PoolTypeTraits& traits = poolTypeTraits(type);
  XmlWriter w;
  w.open("sources");
  for (const PoolSource& source : sources)
    formatSource(w, traits, source);
  w.close("sources");
  return w.take();
}

Result<PoolDef> parsePoolXml(std::string_view xml) {
  TRY_ASSIGN(pugi::xml_document doc, parseDocument(xml));
  pugi::xml_node root = doc.document_element();

  auto typeName = attrValue(root, "type");
  if (!typeName) {
    return missingAttr(root, "type");
  }
  auto type = poolTypeFromName(*typeName);
  if (!type)
    return invalidAttrValue(root, "type", *typeName);

  PoolDef def;
  def.type = *type;
  const PoolTypeTraits& traits = poolTypeTraits(def.type);

  if (pugi::xml_node source = root.child("source")) {
    TRY(parseSource(source, traits, def));
  } else if (!traits.sourceFormats.empty()) {
    def.source.format = std::string(traits.defaultSourceFormat);
  }

  def.name = xpathString(root, "name").value_or("");
  if (def.name.empty() && traits.sourceName)
    def.name = def.source.name;
  TRY(checkPoolName(def.name));

  if (auto uuid = xpathString(root, "uuid")) {
    auto parsed = Uuid::parse(*uuid);
    if (!parsed)
      return storageXmlError("malformed uuid element");
    def.uuid = *parsed;
  } else {
    def.uuid = Uuid::generate();
  }

  if (pugi::xml_node cow = root.child("features").child("cow")) {
    TRY_ASSIGN(def.featureCow, propTristateBool(cow, "state"));
    TRY(checkPoolCow(def));
  }

  if (traits.sourceName && def.source.name.empty())
    def.source.name = def.name;
  TRY(checkPoolRequiredSource(def));

  if (traits.targetPath != PoolTargetPath::None) {
    std::string path;
    switch (traits.targetPath) {
      case PoolTargetPath::DevSourceName:
        path = "/dev/" + def.source.name;
        break;
      case PoolTargetPath::ZvolSourceName:
        path = "/dev/zvol/" + def.source.name;
        break;
      default: {
        auto xmlPath = xpathString(root.child("target"), "path");
        if (!xmlPath)
          return storageXmlError("missing storage pool target path");
        path = *xmlPath;
      }
    }
    def.target.path = sanitizePath(path);
    TRY_ASSIGN(def.target.perms, parseStoragePerms(root.child("target").child("permissions")));
  }

  TRY(checkPoolInitiator(def));

  if (auto allocation = xpathString(root.child("refresh").child("volume"), "@allocation")) {
    if (*allocation == "default") {
      def.refreshVolumeAllocation = RefreshAllocation::Default;
    } else if (*allocation == "capacity") {
      def.refreshVolumeAllocation = RefreshAllocation::Capacity;
    } else {
      return unsupported("unknown storage pool volume refresh allocation type " + *allocation);
    }
  }

  if (traits.nsUri == kFsNamespaceUri)
    TRY(parseFsNamespace(root, traits.nsUri, def));
  if (traits.nsUri == kRbdNamespaceUri)
    TRY(parseRbdNamespace(root, traits.nsUri, def));
  return def;
}

Result<PoolDef> readPoolXml(std::string_view xml) {
  TRY_ASSIGN(PoolDef def, parsePoolXml(xml));
  TRY(validatePool(def));
  return def;
}

std::string formatPoolXml(const PoolDef& def) {
  const PoolTypeTraits& traits = poolTypeTraits(def.type);
  XmlWriter w;
  XmlAttrs poolAttrs;
  poolAttrs.add("type", poolTypeName(def.type));
  bool withNamespace = hasNamespaceData(traits, def);
  if (withNamespace)
    poolAttrs.add("xmlns:" + std::string(traits.nsPrefix), traits.nsUri);
  w.open("pool", poolAttrs);
  w.text("name", def.name);
  w.text("uuid", def.uuid.str());
  w.text("capacity", std::to_string(def.capacity), XmlAttrs().add("unit", "bytes"));
  w.text("allocation", std::to_string(def.allocation), XmlAttrs().add("unit", "bytes"));
  w.text("available", std::to_string(def.available), XmlAttrs().add("unit", "bytes"));
  if (def.featureCow != TriState::Absent) {
    w.open("features");
    w.empty("cow", XmlAttrs().add("state", triStateName(def.featureCow)));
    w.close("features");
  }
  formatSource(w, traits, def.source);
  if (traits.targetPath != PoolTargetPath::None) {
    w.open("target");
    w.textIfSet("path", def.target.path);
    formatStoragePerms(w, def.target.perms);
    w.close("target");
  }
  if (def.refreshVolumeAllocation) {
    w.open("refresh");
    w.empty("volume",
            XmlAttrs().add("allocation", *def.refreshVolumeAllocation == RefreshAllocation::Capacity
                                             ? "capacity"
                                             : "default"));
    w.close("refresh");
  }
  if (withNamespace)
    formatNamespaceData(w, traits, def);
  w.close("pool");
  return w.take();
}

}  // namespace virtus::model
