#include "storage/backends/gluster/gluster_backend.h"

#include <algorithm>

#include "common/check_flags.h"
#include "os/command_runner.h"
#include "storage/backends/gluster/gluster_location.h"
#include "storage/backends/gluster/gluster_probe.h"
#include "storage/gluster_sources.h"

namespace virtus::storage {

StorageBackendPtr makeGlusterBackend(const BackendContext& ctx) {
  gluster::GlusterBackend::Options options;
  options.initTimeout = ctx.networkTimeout;
  return std::make_unique<gluster::GlusterBackend>(ctx, options);
}

namespace gluster {

namespace {

bool hasControlChars(const std::string& name) {
  return std::any_of(name.begin(), name.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

GlusterBackend::GlusterBackend(const BackendContext& ctx, Options options)
    : ctx_(ctx), options_(options), reaper_(options.shutdownLimit) {}

GlusterBackend::~GlusterBackend() {
  // Close every connection at once (each close is a reaper thread), then let the reaper's
  // destructor wait for them.
  std::lock_guard lock(mutex_);
  slots_.clear();
}

BackendFeatures GlusterBackend::features() const {
  BackendFeatures f;
  f.startPool = true;
  f.stopPool = true;
  f.findPoolSources = true;
  f.createVol = true;
  f.buildVol = true;
  f.buildVolFrom = true;
  f.refreshVol = true;
  f.deleteVol = true;
  f.resizeVol = true;
  f.lookupVol = true;
  return f;
}

std::size_t GlusterBackend::openConnections() const {
  std::lock_guard lock(mutex_);
  return std::count_if(slots_.begin(), slots_.end(), [](const auto& kv) {
    std::lock_guard slotLock(kv.second->mutex);
    return kv.second->conn != nullptr;
  });
}

Result<std::shared_ptr<GlusterConnection>> GlusterBackend::connection(const model::PoolDef& def) {
  TRY_ASSIGN(auto loc, glusterLocationOf(def));
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    auto& s = slots_[def.uuid.str()];
    if (!s)
      s = std::make_shared<Slot>();
    slot = s;
  }
  // Connecting holds only this pool's slot: other pools go on meanwhile.
  std::lock_guard slotLock(slot->mutex);
  if (slot->conn && slot->conn->location() == loc)
    return slot->conn;
  // A redefined pool (other host, volume or directory) gets a new connection.
  slot->conn.reset();
  TRY_ASSIGN(slot->conn, GlusterConnection::connect(loc, def.name, reaper_, options_.initTimeout));
  return slot->conn;
}

Result<void> GlusterBackend::startPool(PoolRuntime& pool) {
  TRY(connection(pool.def));
  return ok();
}

Result<bool> GlusterBackend::checkPool(const PoolRuntime& pool) {
  return connection(pool.def).has_value();
}

Result<void> GlusterBackend::stopPool(PoolRuntime& pool) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(pool.def.uuid.str());
    if (it == slots_.end())
      return ok();
    slot = std::move(it->second);
    slots_.erase(it);
  }
  std::shared_ptr<GlusterConnection> conn;
  {
    std::lock_guard slotLock(slot->mutex);
    conn = std::move(slot->conn);
  }
  // Released here or by the last call still using it: either way glfs_fini runs on the reaper.
  return ok();
}

Result<void> GlusterBackend::refreshPool(PoolRuntime& pool) {
  TRY_ASSIGN(auto conn, connection(pool.def));
  const std::string& dir = conn->location().dir;
  TRY_ASSIGN(auto entries, conn->list(dir));
  pool.volumes.clear();
  pool.unreadable.clear();
  pool.volumes.reserve(entries.size());
  for (auto& entry : entries) {
    if (hasControlChars(entry.name))
      continue;
    model::VolDef vol;
    auto probed = probeGlusterEntry(*conn, entry.name, entry.st, vol);
    if (!probed) {
      pool.unreadable.emplace_back(glusterVolumeUri(conn->location(), entry.name),
                                   std::move(probed).error());
      continue;
    }
    if (*probed)
      pool.volumes.push_back(std::move(vol));
  }
  TRY_ASSIGN(auto sv, conn->statvfs(dir));
  pool.def.capacity = static_cast<std::uint64_t>(sv.f_frsize) * sv.f_blocks;
  pool.def.available = static_cast<std::uint64_t>(sv.f_frsize) * sv.f_bfree;
  pool.def.allocation = pool.def.capacity - pool.def.available;
  return ok();
}

Result<std::string> GlusterBackend::findPoolSources(std::string_view srcSpecXml, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendGlusterFindPoolSources", ErrorDomain::Storage));
  TRY_ASSIGN(auto host, sourceSpecHost(srcSpecXml));
  TRY_ASSIGN(auto out, ctx_.commands.run(buildVolumeInfoCommand(host)));
  // As libvirt: a host the CLI cannot reach has no sources.
  if (out.exitStatus != 0)
    return formatGlusterSources(host, {});
  TRY_ASSIGN(auto names, parseVolumeInfoNames(out.out));
  return formatGlusterSources(host, names);
}

}  // namespace gluster
}  // namespace virtus::storage
