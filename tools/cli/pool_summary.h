// Everything pool-info and pool-list show about one pool, gathered from the driver.
#pragma once

#include "cli/json_output.h"
#include "driver/storage_driver.h"

namespace virtus::cli {

// Info, persistence, autostart and type (read from the pool's XML). Fails only when the
// pool's info cannot be read; the other facts fall back to "no".
Result<PoolSummary> gatherPoolSummary(driver::StorageDriver& storage,
                                      const driver::PoolHandle& pool);

// The type attribute of a <pool> document ("" when it has none or does not parse).
std::string poolTypeOfXml(std::string_view xml);

}  // namespace virtus::cli
