// Storage pool XML: libvirt 9.0's parse (virStoragePoolDefParseString) and format
// (virStoragePoolDefFormat), byte for byte, for every pool type, including the backend
// namespaces fs:mount_opts (fs, netfs) and rbd:config_opts (rbd).
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// The <source> a client hands to virConnectFindStoragePoolSources, parsed as `type`'s pool
// source (libvirt's virStoragePoolDefParseSourceString): the source format is checked against
// the type's formats and defaulted as in a pool definition.
Result<PoolSource> parsePoolSourceSpec(std::string_view xml, PoolType type);

// libvirt's virStoragePoolSourceListFormat: <sources> with one <source> each, as `type`'s
// pool definitions format them.
std::string formatPoolSourceList(PoolType type, const std::vector<PoolSource>& sources);

}  // namespace virtus::model
