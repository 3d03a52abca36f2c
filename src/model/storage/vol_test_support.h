// Helpers shared by the volume XML tests: reading fixture files, a PoolDef carrying only
// the type of a pool file, and validation against libvirt's storagevol.rng.
#pragma once

#include <optional>
#include <string>

#include "model/storage/pool_def.h"

namespace virtus::model::testing {

std::string readTextFile(const std::string& path);
// The pool type named by <pool type='…'> in `path`; nullopt when unreadable or unknown.
std::optional<PoolDef> poolWithTypeOf(const std::string& path);
// Validates `xml` against libvirt's storagevol.rng (model/xml/schema_validator.h); empty
// when valid, otherwise the validator's error.
std::string storageVolSchemaErrors(const std::string& xml);

}  // namespace virtus::model::testing
