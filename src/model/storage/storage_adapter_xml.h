// <adapter> of scsi pools as libvirt reads, checks and writes it (storage_adapter_conf.c):
// scsi_host by name or by <parentaddr unique_id><address .../></parentaddr>, fc_host (NPIV)
// by wwnn/wwpn with optional parent selectors, and the legacy form without a type.
#pragma once

#include <pugixml.hpp>

#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

// Structure only (virStorageAdapterParseXML): attribute values, legacy rules, PCI address.
Result<StorageAdapter> parseStorageAdapter(pugi::xml_node node);

// The combination rules (virStorageAdapterValidate): a type is set, fc_host has valid
// wwnn/wwpn and paired parent_wwnn/parent_wwpn, scsi_host has exactly one of name/parent.
Result<void> validateStorageAdapter(const StorageAdapter& adapter);

// libvirt's virValidateWWN: optional "0x" and exactly 16 hex digits.
bool isValidWwn(std::string_view wwn);

// Nothing when the type is None.
void formatStorageAdapter(XmlWriter& w, const StorageAdapter& adapter);

}  // namespace virtus::model
