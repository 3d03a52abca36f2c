#include "storage/backends/vstorage/vstorage_backend.h"

#include "common/check_flags.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "storage/backends/vstorage/vstorage_mount.h"

namespace virtus::storage {

StorageBackendPtr makeVstorageBackend(const BackendContext& ctx) {
  return std::make_unique<vstorage::VstorageBackend>(ctx, HostRoots{},
                                                     vstorage::makeHostAccounts());
}

namespace vstorage {

namespace {

// libvirt's VIR_STORAGE_DEFAULT_POOL_PERM_MODE.
constexpr std::uint32_t kDefaultPoolMode = 0711;

// A definition's id unless unset (absent or libvirt's -1).
std::optional<std::uint32_t> idOf(const std::optional<std::int64_t>& id) {
  if (!id || *id < 0)
    return std::nullopt;
  return static_cast<std::uint32_t>(*id);
}

}  // namespace

VstorageBackend::VstorageBackend(const BackendContext& ctx, HostRoots roots,
                                 std::unique_ptr<Accounts> accounts)
    : ctx_(ctx), roots_(std::move(roots)), accounts_(std::move(accounts)), dir_(ctx) {}

BackendFeatures VstorageBackend::features() const {
  BackendFeatures f = dir_.features();
  f.buildPool = true;
  f.startPool = true;
  f.stopPool = true;
  f.deletePool = true;
  f.findPoolSources = false;
  return f;
}

Result<bool> VstorageBackend::checkPool(const PoolRuntime& pool) {
  const std::string path = roots_.proc + "/mounts";
  auto mounts = ctx_.fs.readFile(path);
  if (!mounts) {
    Error e = std::move(mounts).error();
    auto reason = e.message.rfind(": ");
    return makeError(e.code, ErrorDomain::Storage,
                     "cannot read mount list '" + path + "'" +
                         (reason == std::string::npos ? "" : e.message.substr(reason)));
  }
  return isMountedIn(*mounts, pool.def);
}

Result<void> VstorageBackend::buildPool(PoolRuntime& pool, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendVzPoolBuild", ErrorDomain::Storage));
  return dir_.buildPool(pool, 0);
}

Result<void> VstorageBackend::startPool(PoolRuntime& pool) {
  TRY_ASSIGN(bool mounted, checkPool(pool));
  if (mounted)
    return ok();
  auto& perms = pool.def.target.perms;
  const std::uint32_t mode = perms.mode.value_or(kDefaultPoolMode);
  const std::uint32_t uid = idOf(perms.uid).value_or(accounts_->effectiveUid());
  const std::uint32_t gid = idOf(perms.gid).value_or(accounts_->effectiveGid());
  // vstorage-mount takes names.
  TRY_ASSIGN(auto group, accounts_->groupName(gid));
  TRY_ASSIGN(auto user, accounts_->userName(uid));
  auto cmd = buildMount(pool.def, mode, group, user);
  cmd.timeout = ctx_.networkTimeout;
  TRY(os::runChecked(ctx_.commands, cmd));
  // As libvirt, the definition keeps what the mount was given.
  perms.mode = mode;
  perms.uid = uid;
  perms.gid = gid;
  return ok();
}

Result<void> VstorageBackend::stopPool(PoolRuntime& pool) {
  TRY_ASSIGN(bool mounted, checkPool(pool));
  if (!mounted)
    return ok();
  auto cmd = buildUmount(pool.def);
  cmd.timeout = ctx_.networkTimeout;
  TRY(os::runChecked(ctx_.commands, cmd));
  return ok();
}

Result<void> VstorageBackend::deletePool(PoolRuntime& pool, unsigned flags) {
  return dir_.deletePool(pool, flags);
}

Result<void> VstorageBackend::refreshPool(PoolRuntime& pool) {
  return dir_.refreshPool(pool);
}

Result<void> VstorageBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  return dir_.createVol(pool, vol);
}

Result<void> VstorageBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  return dir_.buildVol(pool, vol, flags);
}

Result<void> VstorageBackend::buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                           const model::VolDef& source, unsigned flags,
                                           const driver::ProgressFn& progress) {
  return dir_.buildVolFrom(pool, vol, source, flags, progress);
}

Result<void> VstorageBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  return dir_.refreshVol(pool, vol);
}

Result<void> VstorageBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  return dir_.deleteVol(pool, vol, flags);
}

Result<void> VstorageBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol,
                                        std::uint64_t capacity, unsigned flags) {
  return dir_.resizeVol(pool, vol, capacity, flags);
}

Result<void> VstorageBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                      driver::WipeAlgorithm algorithm, unsigned flags,
                                      const driver::ProgressFn& progress) {
  return dir_.wipeVol(pool, vol, algorithm, flags, progress);
}

Result<void> VstorageBackend::uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                                        std::uint64_t length, unsigned flags,
                                        driver::StreamSource& source,
                                        const driver::ProgressFn& progress) {
  return dir_.uploadVol(pool, vol, offset, length, flags, source, progress);
}

Result<void> VstorageBackend::downloadVol(PoolRuntime& pool, const model::VolDef& vol,
                                          std::uint64_t offset, std::uint64_t length,
                                          unsigned flags, driver::StreamSink& sink,
                                          const driver::ProgressFn& progress) {
  return dir_.downloadVol(pool, vol, offset, length, flags, sink, progress);
}

}  // namespace vstorage
}  // namespace virtus::storage
