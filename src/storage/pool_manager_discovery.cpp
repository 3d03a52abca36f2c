// PoolManager: what the connection can do rather than what it holds — source discovery
// (virConnectFindStoragePoolSources) and the pool capabilities document.
#include "storage/pool_manager.h"

#include "driver/storage_flags.h"
#include "model/storage/pool_type_name.h"
#include "storage/pool_capabilities.h"
#include "storage/pool_manager_internal.h"

namespace virtus::storage {

using namespace pool_manager_detail;

Result<std::string> PoolManager::findPoolSources(std::string_view type, std::string_view srcSpecXml,
                                                 unsigned flags) {
  auto poolType = model::poolTypeFromName(type);
  if (!poolType) {
    // libvirt does not quote this one.
    return storageError(ErrorCode::InternalError, "unknown storage pool type " + std::string(type));
  }
  TRY_ASSIGN(auto backend, backendFor(*poolType));
  if (!backend->features().findPoolSources) {
    return storageError(ErrorCode::NoSupport,
                        "pool type " + quoted(type) + " does not support source discovery");
  }
  // No lock: like libvirt, discovery reads the host, never the table of pools.
  return backend->findPoolSources(srcSpecXml, flags);
}

Result<std::string> PoolManager::poolCapabilities(unsigned flags) {
  TRY(checkFlags(flags, driver::pool_caps::kVirtusOperations,
                 "storageConnectGetStoragePoolCapabilities"));
  auto pools = describePoolTypes([this](model::PoolType type) {
    return backends_[static_cast<std::size_t>(type)] != nullptr;
  });
  if (flags & driver::pool_caps::kVirtusOperations) {
    for (std::size_t i = 0; i < pools.size(); ++i) {
      if (backends_[i])
        pools[i].operations = operationNames(backends_[i]->features());
    }
  }
  return formatPoolCapabilities(pools);
}

}  // namespace virtus::storage
