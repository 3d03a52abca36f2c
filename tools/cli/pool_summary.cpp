#include "cli/pool_summary.h"

#include <pugixml.hpp>

namespace virtus::cli {

std::string poolTypeOfXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size()))
    return {};
  return doc.child("pool").attribute("type").value();
}

Result<PoolSummary> gatherPoolSummary(driver::StorageDriver& storage,
                                      const driver::PoolHandle& pool) {
  PoolSummary s;
  s.name = pool.name;
  s.uuid = pool.uuid;
  TRY_ASSIGN(s.info, storage.poolInfo(pool));
  s.active = storage.poolIsActive(pool).value_or(false);
  s.persistent = storage.poolIsPersistent(pool).value_or(false);
  s.autostart = storage.poolAutostart(pool).value_or(false);
  auto xml = storage.poolXml(pool, 0);
  if (xml)
    s.type = poolTypeOfXml(*xml);
  auto status = storage.poolStatus(pool).value_or(driver::PoolStatus{});
  s.unreadable = std::move(status.unreadable);
  s.health = status.health;
  return s;
}

}  // namespace virtus::cli
