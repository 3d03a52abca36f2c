#include "model/storage/vol_xml.h"

#include <array>
#include <climits>
#include <cstdio>

#include "common/units.h"
#include "model/storage/storage_encryption_xml.h"
#include "model/storage/storage_perms_xml.h"
#include "model/storage/storage_timestamps_xml.h"
#include "model/storage/storage_xml_props.h"
#include "model/storage/vol_format_names.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

namespace {

constexpr std::array<std::string_view, 6> kVolTypeNames = {"file",    "block",  "dir",
                                                           "network", "netdir", "ploop"};

// virStorageSize: a non-negative decimal, then scaled; files cannot exceed off_t.
Result<std::uint64_t> parseSize(const std::string& text, const std::optional<std::string>& unit) {
  auto value = parseULongLongPositive(text);
  if (!value)
    return storageXmlError("malformed capacity element");
  return scaleInteger(*value, unit.value_or(""), 1, static_cast<std::uint64_t>(LLONG_MAX));
}

// virStorageCheckCompat: "N.M" where both parts are unsigned ints in libvirt's sense.
Result<void> checkCompat(const std::string& compat) {
  std::size_t dot = compat.find('.');
  bool good = dot != std::string::npos && parseUInt(compat.substr(0, dot)) &&
              parseUInt(compat.substr(dot + 1));
  if (!good) {
    return storageXmlError("forbidden characters in 'compat' attribute");
  }
  return ok();
}

// virParseScaledValue for ./target/clusterSize (optional, no upper limit).
Result<std::optional<std::uint64_t>> parseClusterSize(pugi::xml_node root) {
  auto text = xpathString(root, "target/clusterSize");
  if (!text)
    return std::optional<std::uint64_t>();
  auto value = parseULongLongPositive(*text);
  if (!value) {
    return makeError(
        ErrorCode::XmlError, ErrorDomain::Xml,
        "Invalid value '" + *text + "' for element or attribute './target/clusterSize'");
  }
  auto unit = xpathString(root, "target/clusterSize/@unit");
  TRY_ASSIGN(std::uint64_t bytes, scaleInteger(*value, unit.value_or(""), 1, UINT64_MAX));
  // libvirt keeps 0 as "not set" and never writes it.
  if (bytes == 0)
    return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(bytes);
}

// The format named by `path` (…/format/@type), or the pool's default when absent.
Result<std::string> parseFormat(PoolType poolType, pugi::xml_node root, std::string_view path) {
  auto options = volFormatOptions(poolType);
  if (!options)
    return std::string();
  auto name = xpathString(root, path);
  if (!name)
    return std::string(options->defaultFormat);
  auto found = findVolFormat(poolType, *name);
  if (!found) {
    return storageError(ErrorCode::ConfigUnsupported, "unknown volume format type " + *name);
  }
  return std::string(*found);
}

Result<void> parseFeatures(pugi::xml_node root, VolTarget& target) {
  bool any = false;
  for (pugi::xml_node t : root.children("target")) {
    for (pugi::xml_node features : t.children("features")) {
      any = true;
      for (pugi::xml_node f : features.children()) {
        if (f.type() != pugi::node_element)
          continue;
        std::string_view name = f.name();
        if (name == "lazy_refcounts") {
          target.lazyRefcounts = true;
        } else if (name == "extended_l2") {
          target.extendedL2 = true;
        } else {
          return storageError(ErrorCode::ConfigUnsupported,
                              "unsupported feature " + std::string(name));
        }
      }
    }
  }
  if (any) {
    target.hasFeatures = true;
    // Features only exist from qcow2 v3 on, so libvirt implies that version.
    if (target.compat.empty())
      target.compat = "1.1";
  }
  return ok();
}

Result<void> parseTarget(PoolType poolType, pugi::xml_node root, VolTarget& target) {
  target.path = xpathString(root, "target/path").value_or("");
  TRY_ASSIGN(target.format, parseFormat(poolType, root, "target/format/@type"));
  TRY_ASSIGN(target.perms, parseStoragePerms(xpathNode(root, "target/permissions")));
  if (pugi::xml_node enc = xpathNode(root, "target/encryption")) {
    TRY_ASSIGN(target.encryption, parseStorageEncryption(enc));
  }
  target.compat = xpathString(root, "target/compat").value_or("");
  if (!target.compat.empty())
    TRY(checkCompat(target.compat));
  if (xpathNode(root, "target/nocow"))
    target.nocow = TriState::Yes;
  TRY_ASSIGN(target.clusterSize, parseClusterSize(root));
  TRY(parseFeatures(root, target));
  return ok();
}

Result<std::optional<VolBackingStore>> parseBackingStore(PoolType poolType, pugi::xml_node root) {
  auto path = xpathString(root, "backingStore/path");
  if (!path)
    return std::optional<VolBackingStore>();
  VolBackingStore backing;
  backing.path = *path;
  TRY_ASSIGN(backing.format, parseFormat(poolType, root, "backingStore/format/@type"));
  TRY_ASSIGN(backing.perms, parseStoragePerms(xpathNode(root, "backingStore/permissions")));
  return std::optional<VolBackingStore>(std::move(backing));
}

Result<pugi::xml_document> parseVolumeDocument(std::string_view xml) {
  return parseXmlDocument(xml, "volume", "storage_volume_definition", ErrorDomain::Storage);
}

void formatFormat(XmlWriter& w, PoolType poolType, const std::string& format) {
  if (!volFormatOptions(poolType))
    return;
  w.empty("format", XmlAttrs().add("type", format.empty() ? "none" : format));
}

// <path>, <format> and <permissions>: how <target> and <backingStore> begin.
void formatLocation(XmlWriter& w, PoolType poolType, const std::string& path,
                    const std::string& format, const StoragePerms& perms) {
  w.textIfSet("path", path);
  formatFormat(w, poolType, format);
  formatStoragePerms(w, perms);
}

void formatSourceExtents(XmlWriter& w, const VolSource& source) {
  if (source.extents.empty())
    return;
  w.open("source");
  const std::string* current = nullptr;
  for (const VolSourceExtent& extent : source.extents) {
    // Consecutive extents of one device share its <device> element.
    if (!current || *current != extent.path) {
      if (current)
        w.close("device");
      w.open("device", XmlAttrs().add("path", extent.path));
      current = &extent.path;
    }
    w.empty("extent", XmlAttrs()
                          .add("start", std::to_string(extent.start))
                          .add("end", std::to_string(extent.end)));
  }
  w.close("device");
  w.close("source");
}

void formatTarget(XmlWriter& w, PoolType poolType, const VolTarget& target) {
  w.open("target");
  formatLocation(w, poolType, target.path, target.format, target.perms);
  if (target.timestamps)
    formatStorageTimestamps(w, *target.timestamps);
  if (target.encryption)
    formatStorageEncryption(w, *target.encryption);
  w.textIfSet("compat", target.compat);
  if (target.clusterSize && *target.clusterSize > 0) {
    w.text("clusterSize", std::to_string(*target.clusterSize), XmlAttrs().add("unit", "B"));
  }
  if (target.hasFeatures) {
    if (!target.lazyRefcounts && !target.extendedL2) {
      w.empty("features");
    } else {
      w.open("features");
      if (target.lazyRefcounts)
        w.empty("lazy_refcounts");
      if (target.extendedL2)
        w.empty("extended_l2");
      w.close("features");
    }
  }
  w.close("target");
}

void formatBackingStore(XmlWriter& w, PoolType poolType, const VolBackingStore& backing) {
  w.open("backingStore");
  formatLocation(w, poolType, backing.path, backing.format, backing.perms);
  w.close("backingStore");
}

}  // namespace

std::string_view volTypeName(VolType type) {
  return kVolTypeNames[static_cast<std::size_t>(type)];
}

std::optional<VolType> volTypeFromName(std::string_view name) {
  for (std::size_t i = 0; i < kVolTypeNames.size(); ++i) {
    if (kVolTypeNames[i] == name)
      return static_cast<VolType>(i);
  }
  return std::nullopt;
}

Result<VolDef> parseVolXml(const PoolDef& pool, std::string_view xml, VolParseFlags flags) {
  TRY_ASSIGN(pugi::xml_document doc, parseVolumeDocument(xml));
  pugi::xml_node root = doc.document_element();
  VolDef vol;

  auto name = xpathString(root, "name");
  if (!name)
    return storageXmlError("missing volume name element");
  vol.name = *name;
  vol.key = xpathString(root, "key").value_or("");

  if (auto type = xpathString(root, "@type")) {
    auto parsed = volTypeFromName(*type);
    if (!parsed) {
      return storageError(ErrorCode::ConfigUnsupported, "unknown volume type '" + *type + "'");
    }
    vol.type = *parsed;
  }

  TRY_ASSIGN(vol.backingStore, parseBackingStore(pool.type, root));

  if (auto capacity = xpathString(root, "capacity")) {
    TRY_ASSIGN(vol.capacity, parseSize(*capacity, xpathString(root, "capacity/@unit")));
    vol.hasCapacity = true;
  } else if (!flags.noCapacity && !(flags.optCapacity && vol.backingStore)) {
    return storageXmlError("missing capacity element");
  }

  if (auto allocation = xpathString(root, "allocation")) {
    TRY_ASSIGN(vol.allocation, parseSize(*allocation, xpathString(root, "allocation/@unit")));
    vol.hasAllocation = true;
  } else {
    vol.allocation = vol.capacity;
  }

  TRY(parseTarget(pool.type, root, vol.target));
  return vol;
}

std::string formatVolXml(const PoolDef& pool, const VolDef& vol) {
  XmlWriter w;
  w.open("volume", XmlAttrs().add("type", volTypeName(vol.type)));
  w.text("name", vol.name);
  w.textIfSet("key", vol.key);
  formatSourceExtents(w, vol.source);
  w.text("capacity", std::to_string(vol.capacity), XmlAttrs().add("unit", "bytes"));
  w.text("allocation", std::to_string(vol.allocation), XmlAttrs().add("unit", "bytes"));
  if (vol.physical && *vol.physical != 0) {
    w.text("physical", std::to_string(*vol.physical), XmlAttrs().add("unit", "bytes"));
  }
  formatTarget(w, pool.type, vol.target);
  if (vol.backingStore)
    formatBackingStore(w, pool.type, *vol.backingStore);
  w.close("volume");
  return w.take();
}

}  // namespace virtus::model
