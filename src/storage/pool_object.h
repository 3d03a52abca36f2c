// One pool as the manager keeps it (libvirt's virStoragePoolObj): its definitions, state,
// volumes and job counters. Plain data guarded by the manager's table mutex: every field is
// read and written only with that mutex held.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::storage {
class RefreshCache;
}

namespace virtus::storage {

struct VolumeObject {
  model::VolDef def;
  bool building = false;  // buildVol / buildVolFrom is creating its storage
  int inUse = 0;          // wipe, upload, download, or the source of a clone
};
using VolumeObjectPtr = std::shared_ptr<VolumeObject>;

struct PoolObject {
  // The live definition while active (with refresh's capacity figures), the persistent
  // configuration otherwise.
  model::PoolDef def;
  // A definition saved while the pool was active; it replaces `def` when the pool stops.
  // Rare, so held by pointer: an empty one costs 8 bytes instead of a whole PoolDef.
  std::unique_ptr<model::PoolDef> newDef;
  bool persistent = false;  // has a config file
  bool autostart = false;
  bool active = false;
  // Dropped from the table (undefined, or a transient pool stopped) while a caller still
  // held it: that caller must not touch it any more.
  bool removed = false;

  // Jobs (see pool_job.h). An exclusive job changes the pool's state (start, build,
  // refresh, stop, delete); asynchronous jobs work on volumes.
  bool exclusiveJob = false;
  int asyncJobs = 0;

  std::vector<VolumeObjectPtr> volumes;
  std::vector<std::pair<std::string, Error>> unreadable;
  // Health (driver::PoolHealth): the message of the last backend call on the pool that timed
  // out, until one succeeds; empty while healthy. unhealthySince: seconds since the epoch.
  std::string unhealthyReason;
  std::int64_t unhealthySince = 0;
  // What the backend's last refresh kept for the next one (e.g. the dir backend's probe
  // cache); opaque here, dropped when the pool stops.
  std::shared_ptr<const RefreshCache> refreshCache;

  VolumeObjectPtr findVolumeByName(std::string_view name) const;
  VolumeObjectPtr findVolumeByKey(std::string_view key) const;
  VolumeObjectPtr findVolumeByPath(std::string_view path) const;
  void removeVolume(const VolumeObjectPtr& vol);
  // The definition a new config file or `--inactive` shows.
  const model::PoolDef& configDef() const { return newDef ? *newDef : def; }
  // After the pool stopped: switch to the pending config (libvirt's
  // virStoragePoolUpdateInactive). Returns false when the pool is transient and must go.
  bool updateInactive();
};
using PoolObjectPtr = std::shared_ptr<PoolObject>;

}  // namespace virtus::storage
