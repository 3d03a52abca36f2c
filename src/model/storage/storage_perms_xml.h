// <permissions> as libvirt reads and writes it for pool targets, volume targets and
// backing stores.
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/storage/storage_common.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

// `node` is the <permissions> element or empty (then every field stays unset).
// Malformed values: VIR_ERR_XML_ERROR ("malformed octal mode", "malformed owner element"…).
Result<StoragePerms> parseStoragePerms(pugi::xml_node node);

// Nothing when every field is unset, as libvirt.
void formatStoragePerms(XmlWriter& w, const StoragePerms& perms);

}  // namespace virtus::model
