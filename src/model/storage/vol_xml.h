// Storage volume XML as libvirt 9.0 reads it (virStorageVolDefParseXML) and writes it
// (virStorageVolDefFormat), byte for byte. Which <format> names are valid, and whether
// <format> is written at all, depends on the pool type (vol_format_names.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::model {

// VIR_VOL_XML_PARSE_NO_CAPACITY: <capacity> may be missing.
// VIR_VOL_XML_PARSE_OPT_CAPACITY: <capacity> may be missing when a backing store is given.
struct VolParseFlags {
  bool noCapacity = false;
  bool optCapacity = false;
};

// Reads what libvirt reads: name, key, type=, capacity, allocation, target (path, format,
// permissions, encryption, compat, nocow, clusterSize, features) and backingStore (path,
// format, permissions). Like libvirt it ignores <source>, <physical> and <timestamps>,
// which only describe an existing volume. Errors use libvirt's codes, domains and texts.
Result<VolDef> parseVolXml(const PoolDef& pool, std::string_view xml, VolParseFlags flags = {});

// libvirt's virStorageVolDefFormat. A pool type with volume formats always gets a
// <format> (an empty VolDef format is libvirt's format 0, "none").
std::string formatVolXml(const PoolDef& pool, const VolDef& vol);

std::string_view volTypeName(VolType type);
std::optional<VolType> volTypeFromName(std::string_view name);

}  // namespace virtus::model
