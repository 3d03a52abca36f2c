// The zfs backend's volume operations (see zfs_backend.h).

#include "common/check_flags.h"
#include "os/file_system.h"
#include "storage/backends/dir/rollback.h"
#include "storage/backends/dir/wipe.h"
#include "storage/backends/zfs/zfs_backend.h"
#include "storage/backends/zfs/zfs_commands.h"

namespace virtus::storage::zfs {

namespace {

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

// The dataset name without the pool's source prefix, for messages ("tank/a" -> "a").
std::string volumeName(const model::PoolDef& def, const std::string& dataset) {
  const std::string prefix = def.source.name + "/";
  return dataset.rfind(prefix, 0) == 0 ? dataset.substr(prefix.size()) : dataset;
}

// Copies what a listing says of a volume into `vol`, keeping the names it already has.
void applyListing(const model::VolDef& listed, model::VolDef& vol) {
  vol.type = model::VolType::Block;
  if (vol.target.path.empty())
    vol.target.path = listed.target.path;
  if (vol.key.empty())
    vol.key = listed.key;
  vol.capacity = listed.capacity;
  vol.hasCapacity = true;
  vol.allocation = listed.allocation;
  vol.hasAllocation = true;
}

// runChecked's error for a run that exited non-zero.
Error exitError(const os::Command& cmd, const os::CommandOutput& out) {
  std::string err = out.err;
  while (!err.empty() && (err.back() == '\n' || err.back() == ' '))
    err.pop_back();
  return storageError(ErrorCode::InternalError,
                      "Child process (" + cmd.toString() + ") unexpected exit status " +
                          std::to_string(out.exitStatus) + (err.empty() ? "" : ": " + err));
}

// Is `origin` the snapshot that clone `name` of the pool was made from?
bool isCloneSnapshotOf(const model::PoolDef& def, const std::string& origin,
                       const std::string& name) {
  const std::string suffix = "@virtus-clone-" + name;
  return origin.rfind(def.source.name + "/", 0) == 0 && origin.size() > suffix.size() &&
         origin.compare(origin.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<bool> ZfsBackend::volmodeNeeded() {
  // `zfs get` alone prints its usage to stderr and exits 2. Any other exit status leaves
  // volmode out (libvirt warns and goes on); a run that fails (deadline) fails the create.
  TRY_ASSIGN(auto out, run(buildZfsGetUsage()));
  if (out.exitStatus != 2)
    return false;
  return usageListsVolmode(out.err);
}

Result<void> ZfsBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  if (vol.target.encryption) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "storage pool does not support encrypted volumes");
  }
  if (vol.name.empty() || vol.name.find('/') != std::string::npos ||
      vol.name.find('@') != std::string::npos) {
    return storageError(ErrorCode::InvalidArg,
                        "volume name '" + vol.name + "' is not a valid zfs volume name");
  }
  vol.type = model::VolType::Block;
  vol.target.path = pool.def.target.path + "/" + vol.name;
  vol.key = vol.target.path;
  return ok();
}

Result<void> ZfsBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendZFSCreateVol", ErrorDomain::Storage));
  TRY_ASSIGN(bool volmode, volmodeNeeded());
  TRY(runChecked(
      buildVolumeCreate(pool.def, vol.name, vol.capacity, vol.allocation, {.volmode = volmode})));
  return ok();
}

Result<void> ZfsBackend::buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                      const model::VolDef& source, unsigned flags,
                                      const driver::ProgressFn& progress) {
  // A clone shares its origin's blocks: it is a reflink by nature.
  TRY(checkFlags(flags, driver::create_vol::kReflink, "virStorageBackendZFSBuildVolFrom",
                 ErrorDomain::Storage));
  const std::string sameDir = pool.def.target.path + "/";
  if (source.target.path != sameDir + source.name) {
    return storageError(ErrorCode::NoSupport,
                        "zfs volumes can only be cloned from volumes of the same pool, and '" +
                            source.target.path + "' is not one of pool '" + pool.def.name + "'");
  }
  const std::string snapshot = cloneSnapshotOf(pool.def, source.name, vol.name);
  const std::string clone = datasetOf(pool.def, vol.name);
  dir::Rollback rollback;
  TRY(runChecked(buildSnapshot(snapshot)));
  rollback.add([this, snapshot] { (void)runChecked(buildDestroy(snapshot)); });
  TRY(runChecked(buildClone(snapshot, pool.def, vol.name)));
  rollback.add([this, clone] { (void)runChecked(buildDestroy(clone)); });
  if (vol.capacity > source.capacity)
    TRY(runChecked(buildResize(pool.def, vol.name, vol.capacity)));
  rollback.commit();
  if (progress)
    progress(vol.capacity, vol.capacity);
  return ok();
}

Result<std::optional<model::VolDef>> ZfsBackend::lookupVol(PoolRuntime& pool,
                                                           std::string_view name) {
  TRY_ASSIGN(auto out, run(buildListVolume(pool.def, name)));
  if (out.exitStatus != 0) {
    if (saysNoSuchDataset(out.err))
      return std::optional<model::VolDef>();
    return exitError(buildListVolume(pool.def, name), out);
  }
  TRY_ASSIGN(auto zvols, parseVolumeList(out.out));
  const std::string dataset = datasetOf(pool.def, name);
  for (const auto& z : zvols) {
    if (z.dataset == dataset)
      return std::optional<model::VolDef>(
          volumeOf(pool.def, z.dataset, z.volsize, z.refreservation));
  }
  return std::optional<model::VolDef>();
}

Result<void> ZfsBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  TRY_ASSIGN(auto found, lookupVol(pool, vol.name));
  if (!found) {
    return storageError(ErrorCode::NoStorageVol,
                        "no storage vol with matching name '" + vol.name + "'");
  }
  applyListing(*found, vol);
  return ok();
}

Result<void> ZfsBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendZFSDeleteVol", ErrorDomain::Storage));
  const std::string dataset = datasetOf(pool.def, vol.name);
  TRY_ASSIGN(auto listed, runChecked(buildListRelations(pool.def, vol.name)));
  TRY_ASSIGN(auto rel, parseRelations(listed.out, dataset));
  std::vector<std::string> clones;
  for (const auto& [snapshot, cloned] : rel.snapshots) {
    for (const auto& c : cloned)
      clones.push_back("'" + volumeName(pool.def, c) + "'");
  }
  if (!clones.empty()) {
    std::string names;
    for (const auto& c : clones)
      names += (names.empty() ? "" : ", ") + c;
    return storageError(ErrorCode::OperationInvalid,
                        "storage volume '" + vol.name + "' cannot be deleted: " +
                            (clones.size() == 1 ? "volume " : "volumes ") + names +
                            (clones.size() == 1 ? " is a clone of it" : " are clones of it"));
  }
  // Snapshots left by clones that are gone: ours to remove. Any other snapshot makes
  // `zfs destroy` fail, as in libvirt.
  for (const auto& [snapshot, cloned] : rel.snapshots) {
    if (snapshot.rfind(dataset + "@virtus-clone-", 0) == 0)
      TRY(runChecked(buildDestroy(snapshot)));
  }
  TRY(runChecked(buildDestroy(dataset)));
  // The snapshot this clone was made from has no other use: best effort, as the volume is
  // gone already (a leftover is removed with its origin volume, above).
  if (isCloneSnapshotOf(pool.def, rel.origin, vol.name)) {
    (void)runChecked(buildDestroy(rel.origin));
  }
  return ok();
}

Result<void> ZfsBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                                   unsigned flags) {
  using driver::resize_vol::kShrink;
  TRY(checkFlags(flags, kShrink, "virStorageBackendZFSResizeVol", ErrorDomain::Storage));
  if (capacity < vol.capacity && !(flags & kShrink)) {
    return storageError(ErrorCode::InvalidArg,
                        "Can't shrink capacity below current capacity unless shrink flag "
                        "explicitly specified");
  }
  TRY(runChecked(buildResize(pool.def, vol.name, capacity)));
  vol.capacity = capacity;
  return ok();
}

Result<void> ZfsBackend::wipeVol(PoolRuntime&, model::VolDef& vol, driver::WipeAlgorithm algorithm,
                                 unsigned flags, const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, 0, "virStorageBackendZFSWipeVol", ErrorDomain::Storage));
  if (algorithm != driver::WipeAlgorithm::Zero) {
    return storageError(ErrorCode::NoSupport,
                        "wipe algorithm " + std::to_string(static_cast<int>(algorithm)) +
                            " is not supported for zfs volumes, only zero (0)");
  }
  TRY_ASSIGN(auto file, dir::openForWipe(ctx_.fs, vol.target.path));
  return dir::wipeZero(*file, progress);
}

}  // namespace virtus::storage::zfs
