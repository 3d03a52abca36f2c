#include "storage/backend_registry.h"

#include <cassert>

#include "model/storage/pool_type_name.h"

#include "storage/backends/dir/dir_backend.h"

namespace virtus::storage {

void BackendRegistry::add(model::PoolType type, BackendFactory factory) {
  assert(factory);
  factories_[static_cast<std::size_t>(type)] = std::move(factory);
}

bool BackendRegistry::has(model::PoolType type) const {
  return static_cast<bool>(factories_[static_cast<std::size_t>(type)]);
}

Error missingBackendError(model::PoolType type) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "missing backend for pool type " + std::to_string(static_cast<int>(type)) +
                       " (" + std::string(model::poolTypeName(type)) + ")");
}

Result<StorageBackendPtr> BackendRegistry::create(model::PoolType type,
                                                  const BackendContext& context) const {
  const auto& factory = factories_[static_cast<std::size_t>(type)];
  if (!factory)
    return missingBackendError(type);
  StorageBackendPtr backend = factory(context);
  if (!backend)
    return missingBackendError(type);
  return backend;
}

void registerStorageBackends(BackendRegistry& registry) {
  registry.add(model::PoolType::Dir, [](const BackendContext& ctx) { return makeDirBackend(ctx); });
}

}  // namespace virtus::storage
