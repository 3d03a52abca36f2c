// Which pool types this build supports, and how to make their backends. The registry
// belongs to whoever builds a manager (no global list); registerStorageBackends() fills it
// from the one explicit list of backends compiled in.
#pragma once

#include <array>
#include <functional>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

using BackendFactory = std::function<StorageBackendPtr(const BackendContext&)>;

class BackendRegistry {
 public:
  // Registers (or replaces) the factory for `type`.
  void add(model::PoolType type, BackendFactory factory);
  bool has(model::PoolType type) const;
  // A new backend for `type`; VIR_ERR_INTERNAL_ERROR "missing backend for pool type N
  // (name)" when none is registered, as libvirt's virStorageBackendForType.
  Result<StorageBackendPtr> create(model::PoolType type, const BackendContext& context) const;

 private:
  std::array<BackendFactory, model::kPoolTypeCount> factories_;
};

Error missingBackendError(model::PoolType type);

// The one list of backends built into Virtus (the only place with #if WITH_*).
void registerStorageBackends(BackendRegistry& registry);

}  // namespace virtus::storage
