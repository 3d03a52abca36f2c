#include "storage/backends/fs/fs_backend.h"

#include <cassert>

#include "common/check_flags.h"
#include "driver/storage_flags.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "storage/backends/fs/fs_commands.h"
#include "storage/backends/fs/fs_mounts.h"

namespace virtus::storage {

StorageBackendPtr makeFsBackend(const BackendContext& ctx) {
  return std::make_unique<fs::FsBackend>(ctx, model::PoolType::Fs, makeBlkidProbe());
}

StorageBackendPtr makeNetfsBackend(const BackendContext& ctx) {
  return std::make_unique<fs::FsBackend>(ctx, model::PoolType::Netfs, makeBlkidProbe());
}

namespace fs {

namespace {

Error operationInvalid(std::string message) {
  return makeError(ErrorCode::OperationInvalid, ErrorDomain::Storage, std::move(message));
}

}  // namespace

FsBackend::FsBackend(const BackendContext& ctx, model::PoolType type,
                     std::unique_ptr<DeviceProbe> probe, HostRoots roots)
    : DirOnMountBackend(ctx),
      ctx_(ctx),
      type_(type),
      probe_(std::move(probe)),
      roots_(std::move(roots)) {
  assert(type_ == model::PoolType::Fs || type_ == model::PoolType::Netfs);
  assert(probe_);
}

BackendFeatures FsBackend::features() const {
  BackendFeatures f = mountedFeatures();
  f.findPoolSources = type_ == model::PoolType::Netfs;
  return f;
}

os::Command FsBackend::withDeadline(os::Command cmd) const {
  cmd.timeout = ctx_.networkTimeout;
  return cmd;
}

Result<bool> FsBackend::checkPool(const PoolRuntime& pool) {
  TRY(checkMountSource(pool.def));
  return isMounted(ctx_.fs, roots_, pool.def);
}

Result<void> FsBackend::startPool(PoolRuntime& pool) {
  TRY(checkMountSource(pool.def));
  TRY_ASSIGN(bool mounted, isMounted(ctx_.fs, roots_, pool.def));
  if (mounted)
    return ok();  // libvirt: "Target '...' is already mounted", not an error
  TRY(os::runChecked(ctx_.commands, withDeadline(buildMountCommand(pool.def))));
  return ok();
}

Result<void> FsBackend::stopPool(PoolRuntime& pool) {
  TRY(checkMountSource(pool.def));
  TRY_ASSIGN(bool mounted, isMounted(ctx_.fs, roots_, pool.def));
  if (!mounted)
    return ok();
  TRY(os::runChecked(ctx_.commands, withDeadline(buildUmountCommand(pool.def))));
  return ok();
}

Result<void> FsBackend::buildPool(PoolRuntime& pool, unsigned flags) {
  using namespace driver::build_pool;
  TRY(checkFlags(flags, kOverwrite | kNoOverwrite, "virStorageBackendFileSystemBuild",
                 ErrorDomain::Storage));
  const bool existed = ctx_.fs.exists(pool.def.target.path);
  // The dir backend refuses both flags at once with libvirt's message.
  if ((flags & kOverwrite) && (flags & kNoOverwrite))
    return dir_.buildPool(pool, flags);
  TRY(dir_.buildPool(pool, 0));
  if (flags == 0)
    return ok();
  auto made = makeFileSystem(pool.def, flags);
  if (!made && !existed)
    (void)ctx_.fs.removeDirectory(pool.def.target.path);  // leave nothing new behind
  return made;
}

Result<void> FsBackend::makeFileSystem(const model::PoolDef& def, unsigned flags) {
  if (def.source.devices.empty()) {
    return operationInvalid("No source device specified when formatting pool '" + def.name + "'");
  }
  const std::string& device = def.source.devices[0].path;
  const std::string format = def.source.format.empty() ? "auto" : def.source.format;
  if (!ctx_.fs.exists(device)) {
    return operationInvalid("Source device does not exist when formatting pool '" + def.name + "'");
  }
  if (!(flags & driver::build_pool::kOverwrite)) {
    TRY_ASSIGN(DeviceContent content, probe_->probe(device));
    TRY(checkDeviceEmpty(content, device, format));
  }
  // mkfs over a big device may take long: the runner's default deadline, not the quick one.
  TRY(os::runChecked(ctx_.commands, buildMkfsCommand(format, device)));
  return ok();
}

}  // namespace fs
}  // namespace virtus::storage
