#include "storage/storage_xml.h"

#include "model/storage/pool_xml.h"
#include "model/storage/vol_xml.h"

namespace virtus::storage {

Result<model::PoolDef> parsePoolDefinition(std::string_view xml, bool /*validateSchema*/) {
  // TODO(schema): validate against storagepool.rng once the RelaxNG validator exists.
  return model::readPoolXml(xml);
}

std::string formatPoolDefinition(const model::PoolDef& def) { return model::formatPoolXml(def); }

Result<model::VolDef> parseVolDefinition(const model::PoolDef& pool, std::string_view xml,
                                         VolCapacity capacity, bool /*validateSchema*/) {
  // TODO(schema): validate against storagevol.rng once the RelaxNG validator exists.
  model::VolParseFlags flags{};
  flags.noCapacity = capacity == VolCapacity::Optional;
  flags.optCapacity = capacity == VolCapacity::RequiredUnlessBacking;
  return model::parseVolXml(pool, xml, flags);
}

std::string formatVolDefinition(const model::PoolDef& pool, const model::VolDef& vol) {
  return model::formatVolXml(pool, vol);
}

}  // namespace virtus::storage
