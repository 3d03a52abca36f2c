#include "storage/backends/zfs/zfs_backend.h"

#include "common/check_flags.h"
#include "storage/backends/zfs/zfs_commands.h"

namespace virtus::storage {

StorageBackendPtr makeZfsBackend(const BackendContext& ctx) {
  return std::make_unique<zfs::ZfsBackend>(ctx);
}

namespace zfs {

model::VolDef volumeOf(const model::PoolDef& def, const std::string& dataset, std::uint64_t volsize,
                       std::uint64_t refreservation) {
  model::VolDef vol;
  auto slash = dataset.rfind('/');
  vol.name = slash == std::string::npos ? dataset : dataset.substr(slash + 1);
  vol.type = model::VolType::Block;
  vol.target.path = def.target.path + "/" + vol.name;
  vol.key = vol.target.path;
  vol.capacity = volsize;
  vol.hasCapacity = true;
  vol.allocation = refreservation;
  vol.hasAllocation = true;
  return vol;
}

BackendFeatures ZfsBackend::features() const {
  BackendFeatures f;
  f.buildPool = true;
  f.deletePool = true;
  f.createVol = true;
  f.buildVol = true;
  f.buildVolFrom = true;
  f.refreshVol = true;
  f.lookupVol = true;
  f.deleteVol = true;
  f.resizeVol = true;
  f.wipeVol = true;
  f.uploadVol = true;
  f.downloadVol = true;
  return f;
}

Result<os::CommandOutput> ZfsBackend::run(os::Command cmd) {
  cmd.timeout = ctx_.networkTimeout;
  return ctx_.commands.run(cmd);
}

Result<os::CommandOutput> ZfsBackend::runChecked(os::Command cmd) {
  cmd.timeout = ctx_.networkTimeout;
  return os::runChecked(ctx_.commands, cmd);
}

Result<bool> ZfsBackend::checkPool(const PoolRuntime& pool) {
  // zfs list exits 0 when the dataset exists and 1 when it does not.
  TRY_ASSIGN(auto out, run(buildDatasetExists(pool.def)));
  return out.exitStatus == 0;
}

Result<void> ZfsBackend::refreshPool(PoolRuntime& pool) {
  TRY_ASSIGN(auto props, runChecked(buildZpoolGet(pool.def)));
  TRY_ASSIGN(auto zpool, parseZpoolGet(props.out));
  TRY_ASSIGN(auto listed, runChecked(buildListVolumes(pool.def)));
  TRY_ASSIGN(auto zvols, parseVolumeList(listed.out));
  pool.def.capacity = zpool.size;
  pool.def.available = zpool.free;
  pool.def.allocation = zpool.allocated;
  pool.volumes.clear();
  pool.unreadable.clear();
  pool.volumes.reserve(zvols.size());
  for (const auto& z : zvols)
    pool.volumes.push_back(volumeOf(pool.def, z.dataset, z.volsize, z.refreservation));
  return ok();
}

Result<void> ZfsBackend::buildPool(PoolRuntime& pool, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendZFSBuildPool", ErrorDomain::Storage));
  TRY_ASSIGN(auto cmd, buildPoolCreate(pool.def));
  TRY(runChecked(std::move(cmd)));
  return ok();
}

Result<void> ZfsBackend::deletePool(PoolRuntime& pool, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendZFSDeletePool", ErrorDomain::Storage));
  TRY(runChecked(buildPoolDestroy(pool.def)));
  return ok();
}

}  // namespace zfs
}  // namespace virtus::storage
