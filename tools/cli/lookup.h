// Finding the pool or volume a command argument names, the way virsh does
// (vshCommandOptPool / virshCommandOptVolBy), with virsh's messages on failure.
#pragma once

#include <optional>
#include <string_view>

#include "cli/cli_context.h"
#include "driver/storage_driver.h"

namespace virtus::cli {

namespace by {
inline constexpr unsigned kUuid = 1u << 0;  // pools: by UUID; volumes: by key, then path
inline constexpr unsigned kName = 1u << 1;
inline constexpr unsigned kAny = kUuid | kName;
}  // namespace by

// By UUID when the text is as long as a UUID, then by name. On failure reports
// "failed to get pool 'x'" and the last lookup's error.
std::optional<driver::PoolHandle> findPool(CliContext& ctx, driver::StorageDriver& storage,
                                           std::string_view text, unsigned how = by::kAny);

// With a pool (which must be active): by name in that pool, then by key, then by path.
// Without one: by key, then by path. `poolOptionName` is the option that names the pool
// ("pool", "inputpool"), or empty for commands that take none (vol-name, vol-pool).
std::optional<driver::VolHandle> findVol(CliContext& ctx, driver::StorageDriver& storage,
                                         std::string_view text,
                                         const std::optional<std::string>& poolText,
                                         std::string_view poolOptionName = "pool",
                                         unsigned how = by::kAny);

}  // namespace virtus::cli
