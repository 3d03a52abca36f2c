// <encryption> of volumes (and, later, domain disks) as libvirt's storage encryption
// code reads and writes it: format default|qcow|luks|luks2, optional engine qemu|librbd,
// <secret type='passphrase' uuid=|usage=/> entries and, for luks only, <cipher>/<ivgen>.
#pragma once

#include <pugixml.hpp>

#include "common/result.h"
#include "model/storage/storage_common.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

// `node` is the <encryption> element. Errors carry libvirt's codes and domains
// (VIR_ERR_XML_ERROR "unknown volume encryption format", VIR_ERR_CONFIG_UNSUPPORTED
// "unknown volume encryption format type x", …).
Result<StorageEncryption> parseStorageEncryption(pugi::xml_node node);

void formatStorageEncryption(XmlWriter& w, const StorageEncryption& enc);

// A secret reference by uuid= or usage= on `node` (libvirt's virSecretLookupParseSecret):
// exactly one of the two attributes.
Result<SecretRef> parseSecretLookup(pugi::xml_node node);
// <secret type='TYPE' uuid='…'/> or usage='…'; `type` may be empty (then no type=).
void formatSecretLookup(XmlWriter& w, std::string_view type, const SecretRef& ref);

}  // namespace virtus::model
