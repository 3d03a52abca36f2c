// The pool manager's view of the XML layer (src/model/storage/pool_xml.h, vol_xml.h):
// one place that adapts their entry points, so that the manager and the state store do
// not depend on the details of parse flags.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::storage {

// Parses and validates a pool definition as virStoragePoolDefParse; with
// `validateSchema`, also against libvirt's storagepool.rng.
Result<model::PoolDef> parsePoolDefinition(std::string_view xml, bool validateSchema);
std::string formatPoolDefinition(const model::PoolDef& def);

// libvirt's VIR_VOL_XML_PARSE_OPT_CAPACITY (create) and _NO_CAPACITY (clone).
enum class VolCapacity { RequiredUnlessBacking, Optional };
// Parses a volume definition for `pool` as virStorageVolDefParse.
Result<model::VolDef> parseVolDefinition(const model::PoolDef& pool, std::string_view xml,
                                         VolCapacity capacity, bool validateSchema);
std::string formatVolDefinition(const model::PoolDef& pool, const model::VolDef& vol);

}  // namespace virtus::storage
