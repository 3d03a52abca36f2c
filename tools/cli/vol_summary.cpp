#include "cli/vol_summary.h"

#include "model/storage/pool_xml.h"
#include "model/storage/vol_xml.h"

namespace virtus::cli {

std::optional<model::PoolDef> poolDefOf(driver::StorageDriver& storage, std::string_view pool) {
  auto handle = storage.lookupPoolByName(pool);
  if (!handle)
    return std::nullopt;
  auto xml = storage.poolXml(*handle, 0);
  if (!xml)
    return std::nullopt;
  auto def = model::parsePoolXml(*xml);
  if (!def)
    return std::nullopt;
  return std::move(*def);
}

Result<VolSummary> gatherVolSummary(driver::StorageDriver& storage,
                                    const std::optional<model::PoolDef>& pool,
                                    const driver::VolHandle& vol, unsigned infoFlags) {
  VolSummary s;
  s.name = vol.name;
  s.pool = vol.pool;
  s.key = vol.key;
  TRY_ASSIGN(s.info, storage.volInfo(vol, infoFlags));
  s.path = storage.volPath(vol).value_or(std::string());
  if (!pool)
    return s;
  auto xml = storage.volXml(vol, 0);
  if (!xml)
    return s;
  auto def = model::parseVolXml(*pool, *xml, model::VolParseFlags{.noCapacity = true});
  if (!def)
    return s;
  s.format = def->target.format;
  if (def->backingStore)
    s.backingStore = def->backingStore->path;
  return s;
}

}  // namespace virtus::cli
