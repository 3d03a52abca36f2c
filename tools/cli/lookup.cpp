#include "cli/lookup.h"

#include <string>

namespace virtus::cli {

namespace {
constexpr std::size_t kUuidStringLength = 36;
}

std::optional<driver::PoolHandle> findPool(CliContext& ctx, driver::StorageDriver& storage,
                                           std::string_view text, unsigned how) {
  std::optional<Error> last;
  if ((how & by::kUuid) && text.size() == kUuidStringLength) {
    if (auto uuid = Uuid::parse(text)) {
      auto found = storage.lookupPoolByUuid(*uuid);
      if (found)
        return std::move(found).value();
      last = found.error();
    }
  }
  if (how & by::kName) {
    auto found = storage.lookupPoolByName(text);
    if (found)
      return std::move(found).value();
    last = found.error();
  }
  std::string message = "failed to get pool '" + std::string(text) + "'";
  if (last) {
    ctx.fail(message, *last);
  } else {
    ctx.error(message);
  }
  return std::nullopt;
}

std::optional<driver::VolHandle> findVol(CliContext& ctx, driver::StorageDriver& storage,
                                         std::string_view text,
                                         const std::optional<std::string>& poolText,
                                         std::string_view poolOptionName, unsigned how) {
  std::optional<driver::PoolHandle> pool;
  if (poolText) {
    pool = findPool(ctx, storage, *poolText);
    if (!pool)
      return std::nullopt;
    auto active = storage.poolIsActive(*pool);
    if (!active || !*active) {
      ctx.error("pool '" + *poolText + "' is not active");
      return std::nullopt;
    }
  }

  std::optional<Error> last;
  auto attempt = [&](Result<driver::VolHandle> found) -> std::optional<driver::VolHandle> {
    if (found)
      return std::move(found).value();
    last = found.error();
    return std::nullopt;
  };
  std::optional<driver::VolHandle> vol;
  if (pool && (how & by::kName))
    vol = attempt(storage.lookupVolByName(*pool, text));
  if (!vol && (how & by::kUuid))
    vol = attempt(storage.lookupVolByKey(text));
  if (!vol && (how & by::kUuid))
    vol = attempt(storage.lookupVolByPath(text));

  if (!vol) {
    std::string message = "failed to get vol '" + std::string(text) + "'";
    if (!pool && !poolOptionName.empty()) {
      message += ", specifying --" + std::string(poolOptionName) + " might help";
    }
    if (last) {
      ctx.fail(message, *last);
    } else {
      ctx.error(message);
    }
    return std::nullopt;
  }
  // Found by key or path: it must still be in the pool the user named.
  if (pool && vol->pool != pool->name) {
    ctx.error("Requested volume '" + std::string(text) + "' is not in pool '" + pool->name + "'");
    return std::nullopt;
  }
  return vol;
}

}  // namespace virtus::cli
