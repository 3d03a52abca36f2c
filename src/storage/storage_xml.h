// The pool manager's view of the XML layer (src/model/storage/pool_xml.h, vol_xml.h):
// one place that adapts their entry points, so that the manager and the state store do
// not depend on the details of parse flags.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"
#include "model/xml/schema_validator.h"

namespace virtus::storage {

// libvirt's schema files for the storage definitions, in a schema directory.
inline constexpr std::string_view kPoolSchema = "storagepool.rng";
inline constexpr std::string_view kVolSchema = "storagevol.rng";

// Parses and validates a pool definition as virStoragePoolDefParse. With `validateSchema`
// (VIR_STORAGE_POOL_DEFINE_VALIDATE), the document is checked against
// `schemaDir`/storagepool.rng after it parsed and its root is <pool>, and before its
// content is read, as libvirt orders it: a definition the parser would accept but the
// schema refuses (an unknown element) fails with VIR_ERR_XML_INVALID_SCHEMA.
Result<model::PoolDef> parsePoolDefinition(std::string_view xml, bool validateSchema,
                                           std::string_view schemaDir = model::kLibvirtSchemaDir);
std::string formatPoolDefinition(const model::PoolDef& def);

// libvirt's VIR_VOL_XML_PARSE_OPT_CAPACITY (create) and _NO_CAPACITY (clone).
enum class VolCapacity { RequiredUnlessBacking, Optional };
// Parses a volume definition for `pool` as virStorageVolDefParse; with `validateSchema`
// (VIR_STORAGE_VOL_CREATE_VALIDATE), against `schemaDir`/storagevol.rng first. libvirt
// 9.0 then refuses every schema-valid document ("unsupported flags (0x4) in function
// virStorageVolDefParseXML", a bug in its flag check); Virtus creates the volume.
Result<model::VolDef> parseVolDefinition(const model::PoolDef& pool, std::string_view xml,
                                         VolCapacity capacity, bool validateSchema,
                                         std::string_view schemaDir = model::kLibvirtSchemaDir);
std::string formatVolDefinition(const model::PoolDef& pool, const model::VolDef& vol);

}  // namespace virtus::storage
