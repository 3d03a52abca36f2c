#include "storage/backends/logical/logical_backend.h"

#include "common/check_flags.h"
#include "model/storage/pool_xml.h"
#include "storage/backends/dir/wipe.h"
#include "storage/backends/logical/lv_volume.h"
#include "storage/backends/logical/lvm_commands.h"
#include "storage/block_node_info.h"

namespace virtus::storage {

StorageBackendPtr makeLogicalBackend(const BackendContext& ctx) {
  return std::make_unique<logical::LogicalBackend>(ctx, makeBlkidProbe());
}

namespace logical {

namespace {

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

bool isTimeout(const Error& e) {
  return e.code == ErrorCode::OperationTimeout;
}

// What blkid calls an LVM physical volume; libvirt checks the devices against it.
constexpr const char* kLvmMemberFormat = "LVM2_member";

}  // namespace

BackendFeatures LogicalBackend::features() const {
  BackendFeatures f;
  f.buildPool = true;
  f.startPool = true;
  f.stopPool = true;
  f.deletePool = true;
  f.findPoolSources = true;
  f.createVol = true;
  f.buildVol = true;
  f.deleteVol = true;
  f.resizeVol = true;
  f.wipeVol = true;
  f.uploadVol = true;
  f.downloadVol = true;
  return f;
}

Result<os::CommandOutput> LogicalBackend::run(os::Command cmd, Deadline deadline) {
  if (deadline == Deadline::Quick)
    cmd.timeout = ctx_.networkTimeout;
  return os::runChecked(ctx_.commands, cmd);
}

Result<std::vector<model::PoolSource>> LogicalBackend::poolSources() {
  os::Command scan = buildVgscan();
  scan.timeout = ctx_.networkTimeout;
  // libvirt ignores vgscan's failure (it only "touches" the VGs); a hung one still counts.
  auto scanned = ctx_.commands.run(scan);
  if (!scanned && isTimeout(scanned.error()))
    return std::move(scanned).error();
  TRY_ASSIGN(auto pvs, run(buildPvs()));
  return parsePvs(pvs.out);
}

Result<void> LogicalBackend::matchPoolSource(const model::PoolDef& def) {
  TRY_ASSIGN(auto sources, poolSources());
  const model::PoolSource* found = nullptr;
  for (const auto& s : sources) {
    if (s.name == def.source.name)
      found = &s;
  }
  if (!found) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "cannot find logical volume group name '" + def.source.name + "'");
  }
  if (def.source.devices.empty())
    return ok();
  for (const auto& wanted : def.source.devices) {
    for (const auto& dev : found->devices) {
      if (dev.path == wanted.path)
        return ok();
    }
  }
  return storageError(
      ErrorCode::ConfigUnsupported,
      "cannot find any matching source devices for logical volume group '" + def.source.name + "'");
}

Result<bool> LogicalBackend::checkPool(const PoolRuntime& pool) {
  // No test of /dev/VG: LVM makes it only for active LVs, so a VG without any is active too.
  auto matched = matchPoolSource(pool.def);
  if (!matched) {
    // libvirt reports the mismatch and answers "not active"; a missed deadline is the
    // pool's health, which the manager must see.
    if (isTimeout(matched.error()))
      return std::move(matched).error();
    return false;
  }
  return true;
}

Result<void> LogicalBackend::buildPool(PoolRuntime& pool, unsigned flags) {
  using namespace driver::build_pool;
  TRY(checkFlags(flags, kOverwrite | kNoOverwrite, "virStorageBackendLogicalBuildPool",
                 ErrorDomain::Storage));
  if ((flags & kOverwrite) && (flags & kNoOverwrite)) {
    return storageError(ErrorCode::InvalidArg,
                        "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and "
                        "'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive");
  }
  const auto& devices = pool.def.source.devices;
  // libvirt checks each device just before initialising it; checking all of them first
  // leaves every device untouched when one of them refuses.
  if (!(flags & kOverwrite)) {
    for (const auto& dev : devices) {
      TRY_ASSIGN(auto content, probe_->probe(dev.path));
      TRY(checkDeviceEmpty(content, dev.path, kLvmMemberFormat));
    }
  }
  std::vector<std::string> created;
  auto build = [&]() -> Result<void> {
    for (const auto& dev : devices) {
      TRY(dir::zeroDeviceEnds(ctx_.fs, dev.path));
      TRY(run(buildPvcreate(dev.path), Deadline::Long));
      created.push_back(dev.path);
    }
    TRY(run(buildVgcreate(pool.def)));
    return ok();
  };
  auto built = build();
  if (!built) {
    // As libvirt: pvremove what pvcreate made, so that the next build starts clean. Its
    // own failures are not the error to report.
    for (const auto& path : created)
      (void)run(buildPvremove(path));
  }
  return built;
}

Result<void> LogicalBackend::startPool(PoolRuntime& pool) {
  TRY(matchPoolSource(pool.def));
  TRY(run(buildVgchangeCommand(pool.def, true)));
  return ok();
}

Result<void> LogicalBackend::stopPool(PoolRuntime& pool) {
  TRY(run(buildVgchangeCommand(pool.def, false)));
  return ok();
}

Result<void> LogicalBackend::deletePool(PoolRuntime& pool, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendLogicalDeletePool", ErrorDomain::Storage));
  TRY(run(buildVgremove(pool.def)));
  // libvirt ignores pvremove's failures (the VG is gone already); not a missed deadline.
  for (const auto& dev : pool.def.source.devices) {
    auto removed = run(buildPvremove(dev.path));
    if (!removed && isTimeout(removed.error()))
      return std::move(removed).error();
  }
  return ok();
}

Result<void> LogicalBackend::refreshPool(PoolRuntime& pool) {
  TRY_ASSIGN(auto lvs, run(buildLvs(pool.def)));
  TRY_ASSIGN(auto lvList, parseLvs(lvs.out));
  TRY_ASSIGN(auto vgs, run(buildVgs(pool.def)));
  TRY_ASSIGN(auto sizes, parseVgs(vgs.out));
  pool.volumes.clear();
  pool.unreadable.clear();
  for (const auto& lv : lvList) {
    model::VolDef vol = volumeOf(pool.def, lv);
    // The node's size, owner, mode and times, where the LV has a node (an active LV).
    if (ctx_.fs.exists(vol.target.path))
      (void)fillBlockNodeInfo(ctx_.fs, vol.target.path, vol);
    pool.volumes.push_back(std::move(vol));
  }
  pool.def.capacity = sizes.size;
  pool.def.available = sizes.free;
  pool.def.allocation = sizes.size - sizes.free;
  return ok();
}

Result<std::string> LogicalBackend::findPoolSources(std::string_view srcSpecXml, unsigned flags) {
  (void)srcSpecXml;  // libvirt ignores the spec for logical pools
  TRY(checkFlags(flags, 0, "virStorageBackendLogicalFindPoolSources", ErrorDomain::Storage));
  TRY_ASSIGN(auto sources, poolSources());
  return model::formatPoolSourceList(model::PoolType::Logical, sources);
}

}  // namespace logical
}  // namespace virtus::storage
