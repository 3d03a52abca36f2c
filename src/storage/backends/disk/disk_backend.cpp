#include "storage/backends/disk/disk_backend.h"

#include "storage/block_node_info.h"

#include <algorithm>
#include <vector>

#include "common/check_flags.h"
#include "common/path_util.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "storage/backends/dir/wipe.h"
#include "storage/backends/disk/disk_label_check.h"
#include "storage/backends/disk/parted_commands.h"

namespace virtus::storage {

StorageBackendPtr makeDiskBackend(const BackendContext& ctx) {
  return std::make_unique<disk::DiskBackend>(ctx, HostRoots{}, makeBlkidProbe());
}

namespace disk {

namespace {

constexpr std::string_view kDev = "/dev";

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

std::string baseName(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool isDevItself(const std::string& path) {
  return path.empty() || path == "/dev" || path == "/dev/";
}

}  // namespace

DiskBackend::DiskBackend(const BackendContext& ctx, HostRoots roots,
                         std::unique_ptr<DeviceProbe> probe)
    : ctx_(ctx), roots_(std::move(roots)), probe_(std::move(probe)) {}

BackendFeatures DiskBackend::features() const {
  BackendFeatures f;
  f.buildPool = true;
  f.startPool = true;
  f.deletePool = true;
  f.createVol = true;
  f.buildVol = true;
  f.deleteVol = true;
  f.wipeVol = true;
  f.uploadVol = true;
  f.downloadVol = true;
  return f;
}

Result<std::string> DiskBackend::deviceOf(const model::PoolDef& def) const {
  if (def.source.devices.empty() || def.source.devices[0].path.empty()) {
    return storageError(ErrorCode::InvalidArg,
                        "storage pool '" + def.name + "' has no source device");
  }
  return def.source.devices[0].path;
}

std::string DiskBackend::hostPath(const std::string& path) const {
  if (path == kDev)
    return roots_.dev;
  if (path.starts_with("/dev/"))
    return roots_.dev + path.substr(kDev.size());
  return path;
}

Result<void> DiskBackend::requireDevice(const std::string& device) {
  if (!ctx_.fs.exists(hostPath(device))) {
    return storageError(ErrorCode::InvalidArg, "device path '" + device + "' doesn't exist");
  }
  return ok();
}

Result<void> DiskBackend::checkLabel(const std::string& device, const std::string& format,
                                     bool writelabel) {
  if (needsPartedLabelCheck(format)) {
    TRY_ASSIGN(auto print, ctx_.commands.run(buildPrint(device, ctx_.networkTimeout)));
    return checkPartedLabel(print, format, writelabel);
  }
  TRY_ASSIGN(auto content, probe_->probe(hostPath(device)));
  if (writelabel)
    return checkDeviceEmpty(content, device, format);
  return checkDeviceFormat(content, device, format);
}

Result<DiskLayout> DiskBackend::readLayout(const std::string& device) {
  TRY_ASSIGN(auto out, os::runChecked(ctx_.commands, buildPrint(device, ctx_.networkTimeout)));
  TRY_ASSIGN(auto table, parsePrint(out.out));
  return layoutOf(table);
}

std::string DiskBackend::nodeOf(const std::string& device, int number) const {
  auto slash = device.rfind('/');
  std::string dir = slash == std::string::npos ? std::string() : device.substr(0, slash + 1);
  return dir + partitionName(baseName(device), number);
}

std::string DiskBackend::stablePath(const model::PoolDef& def, const std::string& node) {
  const std::string& target = def.target.path;
  if (isDevItself(target) || !target.starts_with("/dev/"))
    return node;
  auto want = ctx_.fs.stat(hostPath(node));
  auto names = ctx_.fs.listDirectory(hostPath(target));
  if (!want || !names)
    return node;
  std::sort(names->begin(), names->end());
  for (const auto& name : *names) {
    auto st = ctx_.fs.stat(hostPath(joinPath(target, name)));
    if (st && st->device == want->device && st->inode == want->inode)
      return joinPath(target, name);
  }
  return node;
}

Result<model::VolDef> DiskBackend::volumeOf(const model::PoolDef& def, const std::string& device,
                                            const DiskLayout& layout, const DiskPartition& part) {
  const std::string node = nodeOf(device, part.number);
  model::VolDef vol;
  vol.name = baseName(node);
  vol.type = model::VolType::Block;
  vol.target.path = stablePath(def, node);
  vol.key = vol.target.path;
  vol.target.format = "none";
  vol.source.extents.push_back(model::VolSourceExtent{device, part.start, part.end});
  vol.capacity = part.size;
  vol.hasCapacity = true;
  vol.allocation = volumeAllocation(layout, part);
  vol.hasAllocation = true;
  auto info = fillBlockNodeInfo(ctx_.fs, hostPath(vol.target.path), vol);
  // An extended partition's node may be missing; any other must be there.
  if (!info && part.kind != PartKind::Extended)
    return std::move(info).error();
  return vol;
}

Result<bool> DiskBackend::checkPool(const PoolRuntime& pool) {
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  if (!ctx_.fs.exists(hostPath(device)))
    return false;
  TRY(checkLabel(device, effectiveFormat(pool.def.source.format), false));
  return true;
}

Result<void> DiskBackend::startPool(PoolRuntime& pool) {
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  TRY(requireDevice(device));
  pool.def.source.format = effectiveFormat(pool.def.source.format);
  return checkLabel(device, pool.def.source.format, false);
}

Result<void> DiskBackend::buildPool(PoolRuntime& pool, unsigned flags) {
  using namespace driver::build_pool;
  TRY(checkFlags(flags, kOverwrite | kNoOverwrite, "virStorageBackendDiskBuildPool",
                 ErrorDomain::Storage));
  if ((flags & kOverwrite) && (flags & kNoOverwrite)) {
    return storageError(ErrorCode::InvalidArg,
                        "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and "
                        "'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive");
  }
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  // libvirt checks against the format as defined ("unknown" when none), then writes dos.
  const std::string declared =
      pool.def.source.format.empty() ? std::string("unknown") : pool.def.source.format;
  if (!(flags & kOverwrite))
    TRY(checkLabel(device, declared, true));
  TRY(dir::zeroDeviceEnds(ctx_.fs, hostPath(device)));
  pool.def.source.format = effectiveFormat(pool.def.source.format);
  TRY(os::runChecked(ctx_.commands, buildMklabel(device, partedLabel(pool.def.source.format),
                                                 ctx_.networkTimeout)));
  return ok();
}

Result<void> DiskBackend::refreshPool(PoolRuntime& pool) {
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  TRY(requireDevice(device));
  TRY_ASSIGN(auto layout, readLayout(device));
  std::vector<model::VolDef> volumes;
  volumes.reserve(layout.partitions.size());
  for (const auto& part : layout.partitions) {
    TRY_ASSIGN(auto vol, volumeOf(pool.def, device, layout, part));
    volumes.push_back(std::move(vol));
  }
  const PoolFigures fig = poolFigures(layout);
  pool.def.capacity = fig.capacity;
  pool.def.allocation = fig.allocation;
  pool.def.available = fig.available;
  pool.def.source.devices[0].freeExtents = fig.freeExtents;
  pool.volumes = std::move(volumes);
  pool.unreadable.clear();
  return ok();
}

Result<void> DiskBackend::deletePool(PoolRuntime& pool, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendDiskDeletePool", ErrorDomain::Storage));
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  return dir::zeroDeviceEnds(ctx_.fs, hostPath(device));
}

}  // namespace disk
}  // namespace virtus::storage
