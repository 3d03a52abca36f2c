// What libvirt's storage XML parsers (storage_conf.c, storage_source_conf.c,
// virstorageencryption.c …) share beyond the generic readers of model/xml/xml_reader.h,
// which this header brings along: their error constructors, yes/no attributes
// (virXMLPropTristateBool) and virFileSanitizePath.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/storage_common.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

// An error reported by the storage parsers themselves (VIR_FROM_STORAGE).
Error storageError(ErrorCode code, std::string message);
// The most common one: VIR_ERR_XML_ERROR from VIR_FROM_STORAGE.
Error storageXmlError(std::string message);

// Optional yes/no attribute; Absent when missing. Other values: invalidAttrValue.
Result<TriState> propTristateBool(pugi::xml_node node, const char* attr);
std::string_view triStateName(TriState value);  // "yes" / "no"

// libvirt's virFileSanitizePath: collapses repeated '/', drops a trailing '/', keeps a
// leading "//" and leaves URIs alone.
std::string sanitizePath(std::string_view path);

}  // namespace virtus::model
