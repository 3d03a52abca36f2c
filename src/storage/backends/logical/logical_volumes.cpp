// Volumes of logical pools: LVs created, removed, resized and wiped (LogicalBackend's volume
// half; the pool half is logical_backend.cpp).
#include "common/check_flags.h"
#include "storage/backends/dir/dir_errors.h"
#include "storage/backends/dir/qemu_img_commands.h"
#include "storage/backends/dir/wipe.h"
#include "storage/backends/logical/logical_backend.h"
#include "storage/backends/logical/lv_volume.h"
#include "storage/backends/logical/lvm_commands.h"

namespace virtus::storage::logical {

namespace {

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

// libvirt's VIR_STORAGE_DEFAULT_VOL_PERM_MODE.
constexpr std::uint32_t kDefaultVolMode = 0600;

}  // namespace

Result<std::optional<LogicalVolume>> LogicalBackend::findLv(const model::PoolDef& def,
                                                            const std::string& name) {
  TRY_ASSIGN(auto lvs, run(buildLvs(def)));
  TRY_ASSIGN(auto list, parseLvs(lvs.out));
  for (auto& lv : list) {
    if (lv.name == name)
      return std::optional<LogicalVolume>(std::move(lv));
  }
  return std::optional<LogicalVolume>();
}

Result<void> LogicalBackend::removeLv(const std::string& path) {
  os::Command remove = buildLvremove(path);
  remove.timeout = ctx_.networkTimeout;
  TRY_ASSIGN(auto first, ctx_.commands.run(remove));
  if (first.exitStatus == 0)
    return ok();
  // As libvirt: an LV still open or active is deactivated, then removed again.
  TRY(run(buildLvchangeDeactivate(path)));
  TRY(run(buildLvremove(path)));
  return ok();
}

Result<void> LogicalBackend::applyPermissions(const model::VolDef& vol, const LogicalVolume& lv) {
  if (!ctx_.fs.exists(vol.target.path)) {
    // LVM made no node for an LV it could not activate (state unknown or inactive); an
    // active LV without its node is an error, as libvirt's open of it would be.
    if (lv.attr.size() > 4 && lv.attr[4] == 'a') {
      return storageError(ErrorCode::SystemError,
                          "cannot stat file '" + vol.target.path + "': No such file or directory");
    }
    return ok();
  }
  const auto& perms = vol.target.perms;
  auto uid = dir::ownerId(perms.uid);
  auto gid = dir::ownerId(perms.gid);
  if (uid || gid)
    TRY(ctx_.fs.chown(vol.target.path, uid, gid));
  return ctx_.fs.chmod(vol.target.path, perms.mode.value_or(kDefaultVolMode));
}

Result<void> LogicalBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  if (vol.target.encryption) {
    // libvirt formats LUKS volumes with qemu-img over the new LV; not implemented here.
    return storageError(ErrorCode::ConfigUnsupported,
                        "storage pool does not support encrypted volumes ('" + vol.name + "')");
  }
  vol.type = model::VolType::Block;
  vol.target.path = lvPath(pool.def, vol.name);
  return ok();
}

Result<void> LogicalBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  // libvirt's logical createVol takes no flags: PREALLOC_METADATA means nothing to an LV.
  TRY(checkFlags(flags, driver::create_vol::kPreallocMetadata, "virStorageBackendLogicalCreateVol",
                 ErrorDomain::Storage));
  TRY(run(buildLvcreate(pool.def, vol)));
  auto finish = [&]() -> Result<void> {
    TRY_ASSIGN(auto lv, findLv(pool.def, vol.name));
    if (!lv) {
      return storageError(ErrorCode::InternalError,
                          "cannot find newly created volume '" + vol.target.path + "'");
    }
    TRY(applyPermissions(vol, *lv));
    model::VolDef found = volumeOf(pool.def, *lv);
    vol.key = found.key;
    vol.capacity = found.capacity;
    vol.hasCapacity = true;
    vol.allocation = found.allocation;
    vol.hasAllocation = true;
    vol.source = found.source;
    return ok();
  };
  auto finished = finish();
  if (!finished) {
    // Remove the LV made above; the first error is the one to report.
    (void)removeLv(vol.target.path);
  }
  return finished;
}

Result<void> LogicalBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  (void)pool;
  TRY(checkFlags(flags, 0, "virStorageBackendLogicalDeleteVol", ErrorDomain::Storage));
  return removeLv(vol.target.path);
}

Result<void> LogicalBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol,
                                       std::uint64_t capacity, unsigned flags) {
  using namespace driver::resize_vol;
  // Every byte of a thick LV is allocated: ALLOCATE asks for nothing more.
  TRY(checkFlags(flags, kAllocate | kShrink, "virStorageBackendLogicalResizeVol",
                 ErrorDomain::Storage));
  const bool shrink = capacity < vol.capacity;
  if (shrink && !(flags & kShrink)) {
    return storageError(ErrorCode::InvalidArg,
                        "Can't shrink capacity below current capacity unless shrink flag "
                        "explicitly specified");
  }
  TRY_ASSIGN(auto lv, findLv(pool.def, vol.name));
  if (!lv) {
    return storageError(ErrorCode::NoStorageVol,
                        "no storage vol with matching name '" + vol.name + "'");
  }
  if (lv->isSnapshot()) {
    // lvresize of a snapshot changes its copy-on-write space, not what the guest sees.
    return storageError(ErrorCode::NoSupport,
                        "logical volume '" + vol.name + "' is sparse, volume resize not supported");
  }
  TRY(run(buildLvresize(pool.def, vol.name, capacity, shrink)));
  TRY_ASSIGN(auto resized, findLv(pool.def, vol.name));
  if (resized) {
    vol.capacity = resized->size;
    vol.allocation = resized->usedBytes;
    vol.source.extents = resized->extents;
  } else {
    vol.capacity = capacity;
  }
  return ok();
}

Result<void> LogicalBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                     driver::WipeAlgorithm algorithm, unsigned flags,
                                     const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, 0, "virStorageBackendLogicalVolWipe", ErrorDomain::Storage));
  TRY_ASSIGN(auto lv, findLv(pool.def, vol.name));
  if (lv && lv->isSnapshot()) {
    return storageError(ErrorCode::NoSupport, "logical volume '" + vol.target.path +
                                                  "' is sparse, volume wipe not supported");
  }
  if (algorithm == driver::WipeAlgorithm::Trim) {
    return storageError(ErrorCode::ArgumentUnsupported, "'trim' algorithm not supported");
  }
  if (auto pattern = dir::scrubPatternName(algorithm)) {
    TRY(run(dir::buildScrub(*pattern, vol.target.path), Deadline::Long));
    return ok();
  }
  TRY_ASSIGN(auto file, dir::openForWipe(ctx_.fs, vol.target.path));
  return dir::wipeZero(*file, progress);
}

}  // namespace virtus::storage::logical
