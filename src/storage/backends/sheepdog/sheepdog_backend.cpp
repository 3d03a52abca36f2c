#include "storage/backends/sheepdog/sheepdog_backend.h"

#include "common/check_flags.h"
#include "os/command_runner.h"
#include "storage/backends/sheepdog/sheepdog_commands.h"

namespace virtus::storage {

StorageBackendPtr makeSheepdogBackend(const BackendContext& ctx) {
  return std::make_unique<sheepdog::SheepdogBackend>(ctx);
}

namespace sheepdog {

namespace {

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

// A VDI as a volume of the pool, as libvirt named it.
model::VolDef volumeOf(const model::PoolDef& def, const Vdi& vdi) {
  model::VolDef vol;
  vol.name = vdi.name;
  vol.type = model::VolType::Network;
  vol.key = def.source.name + "/" + vdi.name;
  vol.target.path = vdi.name;
  vol.capacity = vdi.size;
  vol.hasCapacity = true;
  vol.allocation = vdi.used;
  vol.hasAllocation = true;
  return vol;
}

}  // namespace

BackendFeatures SheepdogBackend::features() const {
  BackendFeatures f;
  f.createVol = true;
  f.buildVol = true;
  f.refreshVol = true;
  f.deleteVol = true;
  f.resizeVol = true;
  f.lookupVol = true;
  return f;
}

Result<void> SheepdogBackend::refreshPool(PoolRuntime& pool) {
  TRY_ASSIGN(auto info, os::runChecked(ctx_.commands, buildNodeInfo(pool.def)));
  TRY_ASSIGN(auto totals, parseNodeInfo(info.out));
  TRY_ASSIGN(auto list, os::runChecked(ctx_.commands, buildVdiList(pool.def)));
  TRY_ASSIGN(auto vdis, parseVdiList(list.out));
  pool.def.capacity = totals.capacity;
  pool.def.allocation = totals.used;
  pool.def.available = totals.capacity - totals.used;
  pool.volumes.clear();
  pool.unreadable.clear();
  pool.volumes.reserve(vdis.size());
  for (const auto& vdi : vdis)
    pool.volumes.push_back(volumeOf(pool.def, vdi));
  return ok();
}

Result<void> SheepdogBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  if (vol.target.encryption) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "storage pool does not support encrypted volumes");
  }
  if (!vol.target.format.empty() && vol.target.format != "raw") {
    return storageError(ErrorCode::NoSupport, "sheepdog volumes are raw, not '" +
                                                  vol.target.format + "' ('" + vol.name + "')");
  }
  if (vol.backingStore) {
    return storageError(ErrorCode::NoSupport, "backing storage not supported for raw volumes");
  }
  vol.type = model::VolType::Network;
  vol.key = pool.def.source.name + "/" + vol.name;
  vol.target.path = vol.name;
  return ok();
}

Result<void> SheepdogBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendSheepdogBuildVol", ErrorDomain::Storage));
  if (vol.capacity == 0) {
    return storageError(ErrorCode::NoSupport, "volume capacity required for this pool");
  }
  TRY(os::runChecked(ctx_.commands, buildVdiCreate(pool.def, vol.name, vol.capacity)));
  return ok();
}

Result<std::optional<model::VolDef>> SheepdogBackend::lookupVol(PoolRuntime& pool,
                                                                std::string_view name) {
  const std::string n(name);
  // dog lists nothing for a name without a VDI.
  TRY_ASSIGN(auto out, os::runChecked(ctx_.commands, buildVdiList(pool.def, n)));
  TRY_ASSIGN(auto vdis, parseVdiList(out.out));
  for (const auto& vdi : vdis) {
    if (vdi.name == n)
      return std::optional<model::VolDef>(volumeOf(pool.def, vdi));
  }
  return std::optional<model::VolDef>();
}

Result<void> SheepdogBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  TRY_ASSIGN(auto found, lookupVol(pool, vol.name));
  if (!found) {
    return storageError(ErrorCode::NoStorageVol,
                        "no storage vol with matching name '" + vol.name + "'");
  }
  vol.type = found->type;
  vol.key = found->key;
  vol.target.path = found->target.path;
  vol.capacity = found->capacity;
  vol.hasCapacity = true;
  vol.allocation = found->allocation;
  vol.hasAllocation = true;
  return ok();
}

Result<void> SheepdogBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendSheepdogDeleteVol", ErrorDomain::Storage));
  TRY(os::runChecked(ctx_.commands, buildVdiDelete(pool.def, vol.name)));
  return ok();
}

Result<void> SheepdogBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol,
                                        std::uint64_t capacity, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendSheepdogResizeVol", ErrorDomain::Storage));
  TRY(os::runChecked(ctx_.commands, buildVdiResize(pool.def, vol.name, capacity)));
  vol.capacity = capacity;
  return ok();
}

}  // namespace sheepdog
}  // namespace virtus::storage
