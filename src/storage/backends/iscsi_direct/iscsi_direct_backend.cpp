#include "storage/backends/iscsi_direct/iscsi_direct_backend.h"

#include <algorithm>
#include <vector>

#include "common/check_flags.h"
#include "storage/backends/iscsi/iscsi_sources.h"
#include "storage/backends/iscsi_direct/iscsi_connection.h"
#include "storage/backends/iscsi_direct/iscsi_direct_names.h"
#include "storage/pool_secret.h"

namespace virtus::storage {

StorageBackendPtr makeIscsiDirectBackend(const BackendContext& ctx) {
  return std::make_unique<iscsi_direct::IscsiDirectBackend>(ctx, ctx.networkTimeout);
}

namespace iscsi_direct {

namespace {

// SCSI peripheral device type of a disk (SBC).
constexpr int kDirectAccessDevice = 0;
// Blocks per WRITE(16) when zeroing, as libvirt (BLOCK_PER_PACKET): small enough for any
// target's transfer limits.
constexpr std::uint64_t kWipeBlocksPerWrite = 128;

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

bool sameLogin(const IscsiLogin& a, const IscsiLogin& b) {
  return a.portal == b.portal && a.initiatorIqn == b.initiatorIqn && a.targetIqn == b.targetIqn &&
         a.user == b.user && a.password == b.password;
}

// The volume for `lun`. As in libvirt, every LUN the target reports is a volume; one that is
// not a disk (the target's controller LUN 0) has capacity 0.
Result<std::optional<model::VolDef>> readLunVolume(IscsiConnection& conn, unsigned lun) {
  TRY_ASSIGN(int type, conn.deviceType(lun));
  model::VolDef vol;
  vol.type = model::VolType::Network;
  vol.name = volumeName(lun);
  vol.key = volumePath(conn.login().portal, conn.login().targetIqn, lun);
  vol.target.path = vol.key;
  vol.hasCapacity = true;
  vol.hasAllocation = true;
  if (type == kDirectAccessDevice) {
    TRY(conn.testUnitReady(lun));
    TRY_ASSIGN(LunCapacity capacity, conn.readCapacity16(lun));
    vol.capacity = capacity.bytes();
    vol.allocation = capacity.bytes();
  }
  return std::optional<model::VolDef>(std::move(vol));
}

}  // namespace

struct IscsiDirectBackend::Session {
  std::mutex mutex;  // one libiscsi call at a time on `conn`
  std::unique_ptr<IscsiConnection> conn;
};

IscsiDirectBackend::IscsiDirectBackend(const BackendContext& ctx,
                                       std::chrono::milliseconds exchangeTimeout)
    : ctx_(ctx), timeout_(exchangeTimeout) {}

IscsiDirectBackend::~IscsiDirectBackend() = default;

BackendFeatures IscsiDirectBackend::features() const {
  BackendFeatures f;
  f.startPool = true;
  f.stopPool = true;
  f.findPoolSources = true;
  f.wipeVol = true;
  f.lookupVol = true;
  return f;
}

std::size_t IscsiDirectBackend::sessionCount() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::shared_ptr<IscsiDirectBackend::Session> IscsiDirectBackend::sessionFor(
    const model::PoolDef& def) {
  std::lock_guard lock(mutex_);
  auto& slot = sessions_[def.uuid];
  if (!slot)
    slot = std::make_shared<Session>();
  return slot;
}

Result<IscsiLogin> IscsiDirectBackend::loginFor(const model::PoolDef& def) const {
  IscsiLogin login;
  TRY_ASSIGN(login.portal, portalOf(def.source));
  if (def.source.devices.empty() || def.source.devices.front().path.empty())
    return storageError(ErrorCode::ConfigUnsupported,
                        "storage pool '" + def.name + "' names no target (<device path=>).");
  login.targetIqn = def.source.devices.front().path;
  if (def.source.initiatorIqn.empty())
    return storageError(ErrorCode::ConfigUnsupported, "missing initiator IQN");
  login.initiatorIqn = def.source.initiatorIqn;
  const auto& auth = def.source.auth;
  if (auth && !auth->type.empty() && auth->type != "none") {
    if (auth->type != "chap")
      return makeError(ErrorCode::XmlError, ErrorDomain::Storage,
                       "iscsi-direct pool only supports 'chap' auth type");
    TRY_ASSIGN(login.password, poolAuthSecret(ctx_, def, driver::SecretUsageType::Iscsi));
    login.user = auth->username;
  }
  return login;
}

Result<void> IscsiDirectBackend::connect(Session& session, const model::PoolDef& def) {
  TRY_ASSIGN(IscsiLogin login, loginFor(def));
  if (session.conn && session.conn->usable() && sameLogin(session.conn->login(), login))
    return ok();
  if (session.conn) {
    // Another login (the definition changed) or a dead connection: best effort, the old
    // session is abandoned either way.
    (void)session.conn->logout();
    session.conn.reset();
  }
  TRY_ASSIGN(session.conn, IscsiConnection::open(login, timeout_, ctx_.clock));
  return ok();
}

Result<void> IscsiDirectBackend::withConnection(const model::PoolDef& def, const ConnectionOp& op) {
  auto session = sessionFor(def);
  std::lock_guard lock(session->mutex);
  TRY(connect(*session, def));
  auto result = op(*session->conn);
  if (result || result.error().code == ErrorCode::OperationTimeout || session->conn->usable())
    return result;
  // The transport failed under `op` (the target restarted, the connection was dropped):
  // once more on a fresh login.
  TRY(connect(*session, def));
  return op(*session->conn);
}

Result<bool> IscsiDirectBackend::checkPool(const PoolRuntime&) {
  // As libvirt: a pool that was active stays active; the next refresh logs in again.
  return true;
}

Result<void> IscsiDirectBackend::startPool(PoolRuntime& pool) {
  auto result = withConnection(pool.def, [](IscsiConnection&) { return ok(); });
  if (!result) {
    std::lock_guard lock(mutex_);
    sessions_.erase(pool.def.uuid);
  }
  return result;
}

Result<void> IscsiDirectBackend::stopPool(PoolRuntime& pool) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(pool.def.uuid);
    if (it == sessions_.end())
      return ok();
    session = std::move(it->second);
    sessions_.erase(it);
  }
  std::lock_guard lock(session->mutex);
  if (session->conn) {
    // The pool stops whatever the target says to the logout.
    (void)session->conn->logout();
    session->conn.reset();
  }
  return ok();
}

Result<void> IscsiDirectBackend::refreshPool(PoolRuntime& pool) {
  std::vector<model::VolDef> volumes;
  TRY(withConnection(pool.def, [&](IscsiConnection& conn) -> Result<void> {
    volumes.clear();
    TRY_ASSIGN(auto luns, conn.reportLuns());
    for (unsigned lun : luns) {
      TRY_ASSIGN(auto vol, readLunVolume(conn, lun));
      if (vol)
        volumes.push_back(std::move(*vol));
    }
    return ok();
  }));
  std::uint64_t total = 0;
  for (const auto& vol : volumes)
    total += vol.capacity;
  pool.def.capacity = total;
  pool.def.allocation = total;
  pool.def.available = 0;
  pool.volumes = std::move(volumes);
  pool.unreadable.clear();
  return ok();
}

Result<std::optional<model::VolDef>> IscsiDirectBackend::lookupVol(PoolRuntime& pool,
                                                                   std::string_view name) {
  auto lun = lunOfVolumeName(name);
  if (!lun)
    return std::optional<model::VolDef>();
  std::optional<model::VolDef> found;
  TRY(withConnection(pool.def, [&](IscsiConnection& conn) -> Result<void> {
    TRY_ASSIGN(auto luns, conn.reportLuns());
    if (std::find(luns.begin(), luns.end(), *lun) == luns.end())
      return ok();
    TRY_ASSIGN(found, readLunVolume(conn, *lun));
    return ok();
  }));
  return found;
}

Result<void> IscsiDirectBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                         driver::WipeAlgorithm algorithm, unsigned flags,
                                         const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, 0, "virStorageBackenISCSIDirectWipeVol", ErrorDomain::Storage));
  if (algorithm != driver::WipeAlgorithm::Zero)
    return storageError(ErrorCode::InvalidArg,
                        "unsupported algorithm " + std::to_string(static_cast<int>(algorithm)));
  auto lun = lunOfVolumeName(vol.name);
  if (!lun)
    return storageError(ErrorCode::InternalError, "Invalid volume name " + vol.name);
  return withConnection(pool.def, [&](IscsiConnection& conn) -> Result<void> {
    TRY(conn.testUnitReady(*lun));
    TRY_ASSIGN(LunCapacity capacity, conn.readCapacity16(*lun));
    const std::vector<unsigned char> zeros(kWipeBlocksPerWrite * capacity.blockSize, 0);
    for (std::uint64_t lba = 0; lba < capacity.blocks;) {
      const std::uint64_t count = std::min(kWipeBlocksPerWrite, capacity.blocks - lba);
      TRY(conn.write16(*lun, lba, std::span(zeros.data(), count * capacity.blockSize),
                       capacity.blockSize));
      lba += count;
      if (progress)
        progress(lba * capacity.blockSize, capacity.bytes());
    }
    return ok();
  });
}

Result<std::string> IscsiDirectBackend::findPoolSources(std::string_view srcSpecXml,
                                                        unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendISCSIDirectFindPoolSources", ErrorDomain::Storage));
  TRY_ASSIGN(model::PoolSource spec, iscsi::parseSourceSpec(srcSpecXml));
  if (spec.hosts.size() != 1)
    return storageError(ErrorCode::ConfigUnsupported,
                        "Expected exactly 1 host for the storage pool");
  if (spec.initiatorIqn.empty())
    return storageError(ErrorCode::ConfigUnsupported, "missing initiator IQN");
  IscsiLogin login;
  TRY_ASSIGN(login.portal, portalOf(spec));
  login.initiatorIqn = spec.initiatorIqn;
  TRY_ASSIGN(auto conn, IscsiConnection::open(login, timeout_, ctx_.clock));
  TRY_ASSIGN(auto targets, conn->discoverTargets());
  (void)conn->logout();  // the list is complete; a failed logout changes nothing
  return iscsi::formatSourceList(spec, targets);
}

}  // namespace iscsi_direct
}  // namespace virtus::storage
