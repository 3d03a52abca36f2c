// Helpers shared by the volume XML tests: reading fixture files, a PoolDef carrying only
// the type of a pool file, and schema validation with xmllint.
#pragma once

#include <optional>
#include <string>

#include "model/storage/pool_def.h"

namespace virtus::model::testing {

std::string readTextFile(const std::string& path);
// The pool type named by <pool type='…'> in `path`; nullopt when unreadable or unknown.
std::optional<PoolDef> poolWithTypeOf(const std::string& path);
// Writes `xml` to a fresh temporary directory and runs
// `xmllint --noout --relaxng <libvirt schema dir>/storagevol.rng`; empty when valid,
// otherwise xmllint's complaint.
std::string storageVolSchemaErrors(const std::string& xml);

}  // namespace virtus::model::testing
