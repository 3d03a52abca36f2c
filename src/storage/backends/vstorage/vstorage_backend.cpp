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
    : DirOnMountBackend(ctx), ctx_(ctx), roots_(std::move(roots)), accounts_(std::move(accounts)) {}

BackendFeatures VstorageBackend::features() const {
  return mountedFeatures();
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

}  // namespace vstorage
}  // namespace virtus::storage
