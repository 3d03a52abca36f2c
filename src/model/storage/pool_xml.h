// Storage pool XML: libvirt 9.0's parse (virStoragePoolDefParseString) and format
// (virStoragePoolDefFormat), byte for byte, for every pool type, including the backend
// namespaces fs:mount_opts (fs, netfs) and rbd:config_opts (rbd).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"

namespace virtus::model {

// Structure and libvirt's parse-time checks. A missing <uuid> gets Uuid::generate().
// <capacity>, <allocation>, <available> are ignored (runtime values, as libvirt), as are
// <freeExtent> elements. Defaults are filled in as libvirt does: the source format, a
// gluster <dir> of "/", the source name of name-based types, the target path of logical
// (/dev/NAME) and zfs (/dev/zvol/NAME) pools.
Result<PoolDef> parsePoolXml(std::string_view xml);

// parsePoolXml then validatePool: what define and create use.
Result<PoolDef> readPoolXml(std::string_view xml);

// libvirt's virStoragePoolDefFormat.
std::string formatPoolXml(const PoolDef& def);

}  // namespace virtus::model
