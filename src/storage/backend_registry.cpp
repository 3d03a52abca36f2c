#include "storage/backend_registry.h"

#include <cassert>

#include "model/storage/pool_type_name.h"

#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/disk/disk_backend.h"
#include "storage/backends/fs/fs_backend.h"
#include "storage/backends/iscsi/iscsi_backend.h"
#include "storage/backends/logical/logical_backend.h"
#include "storage/backends/mpath/mpath_backend.h"
#include "storage/backends/scsi/scsi_backend.h"
#include "storage/backends/sheepdog/sheepdog_backend.h"
#include "storage/backends/vstorage/vstorage_backend.h"
#include "storage/backends/zfs/zfs_backend.h"
#ifdef VIRTUS_WITH_RBD
#include "storage/backends/rbd/rbd_backend.h"
#endif
#ifdef VIRTUS_WITH_GLUSTER
#include "storage/backends/gluster/gluster_backend.h"
#endif
#ifdef VIRTUS_WITH_LIBISCSI
#include "storage/backends/iscsi_direct/iscsi_direct_backend.h"
#endif

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
  registry.add(model::PoolType::Fs, [](const BackendContext& ctx) { return makeFsBackend(ctx); });
  registry.add(model::PoolType::Netfs,
               [](const BackendContext& ctx) { return makeNetfsBackend(ctx); });
  registry.add(model::PoolType::Logical,
               [](const BackendContext& ctx) { return makeLogicalBackend(ctx); });
  registry.add(model::PoolType::Disk,
               [](const BackendContext& ctx) { return makeDiskBackend(ctx); });
  registry.add(model::PoolType::Iscsi,
               [](const BackendContext& ctx) { return makeIscsiBackend(ctx); });
  registry.add(model::PoolType::Scsi,
               [](const BackendContext& ctx) { return makeScsiBackend(ctx); });
  registry.add(model::PoolType::Mpath,
               [](const BackendContext& ctx) { return makeMpathBackend(ctx); });
  registry.add(model::PoolType::Sheepdog,
               [](const BackendContext& ctx) { return makeSheepdogBackend(ctx); });
  registry.add(model::PoolType::Zfs, [](const BackendContext& ctx) { return makeZfsBackend(ctx); });
  registry.add(model::PoolType::Vstorage,
               [](const BackendContext& ctx) { return makeVstorageBackend(ctx); });
#ifdef VIRTUS_WITH_RBD
  registry.add(model::PoolType::Rbd, [](const BackendContext& ctx) { return makeRbdBackend(ctx); });
#endif
#ifdef VIRTUS_WITH_GLUSTER
  registry.add(model::PoolType::Gluster,
               [](const BackendContext& ctx) { return makeGlusterBackend(ctx); });
#endif
#ifdef VIRTUS_WITH_LIBISCSI
  registry.add(model::PoolType::IscsiDirect,
               [](const BackendContext& ctx) { return makeIscsiDirectBackend(ctx); });
#endif
}

}  // namespace virtus::storage
