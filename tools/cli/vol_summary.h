// Everything vol-info --json and vol-list --json show about one volume, gathered from the
// driver: its info, path, and the format and backing store read from its XML.
#pragma once

#include <optional>

#include "cli/json_output.h"
#include "driver/storage_driver.h"
#include "model/storage/pool_def.h"

namespace virtus::cli {

// The definition of the pool a volume lives in, needed to read volume XML; nullopt when it
// cannot be had (the summaries then leave format and backing store out).
std::optional<model::PoolDef> poolDefOf(driver::StorageDriver& storage, std::string_view pool);

// Fails only when the volume's info cannot be read.
Result<VolSummary> gatherVolSummary(driver::StorageDriver& storage,
                                    const std::optional<model::PoolDef>& pool,
                                    const driver::VolHandle& vol, unsigned infoFlags);

}  // namespace virtus::cli
