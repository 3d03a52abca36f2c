// The storage API as libvirt's virStorageDriver exposes it: pools and volumes addressed by
// handles. The in-process pool manager implements it; the remote driver (daemon issue)
// will implement it over libvirt's wire protocol. The CLI only sees this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/uuid.h"
#include "driver/storage_flags.h"
#include "driver/stream.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::driver {

// virStoragePoolPtr: what identifies a pool to callers.
struct PoolHandle {
  std::string name;
  Uuid uuid;
  bool operator==(const PoolHandle&) const = default;
};

// virStorageVolPtr
struct VolHandle {
  std::string pool;
  std::string name;
  std::string key;
  bool operator==(const VolHandle&) const = default;
};

struct PoolInfo {
  PoolState state = PoolState::Inactive;
  std::uint64_t capacity = 0;
  std::uint64_t allocation = 0;
  std::uint64_t available = 0;
};

struct VolInfo {
  model::VolType type = model::VolType::File;
  std::uint64_t capacity = 0;
  std::uint64_t allocation = 0;  // or physical size with vol_info::kGetPhysical
};

// A file a pool's refresh found but could not read. libvirt 9.0 fails the whole refresh
// (and stops the pool) on such a file; Virtus lists the others and reports this one.
struct UnreadableVolume {
  std::string path;
  Error error;
};

// Virtus extension: whether the pool's storage answered lately. A backend call on the pool
// that timed out (VIR_ERR_OPERATION_TIMEOUT: a stuck cluster, a silent target) makes the
// pool unhealthy with that error's message; the next backend call on it that succeeds makes
// it healthy again.
struct PoolHealth {
  bool healthy = true;
  std::string reason;      // while unhealthy: what timed out
  std::int64_t since = 0;  // while unhealthy: since when, in seconds since the epoch
};

// Virtus extension: what `virtus pool-info` adds to libvirt's pool info, in one call (one
// round trip over a connection).
struct PoolStatus {
  PoolHealth health;
  // The files the pool's last refresh could not read, and why.
  std::vector<UnreadableVolume> unreadable;
};

// Reports how far a long operation (wipe, clone, upload, download) has got.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

class StorageDriver {
 public:
  virtual ~StorageDriver() = default;

  // Pools
  virtual Result<std::vector<PoolHandle>> listAllPools(unsigned flags) = 0;
  virtual Result<PoolHandle> lookupPoolByName(std::string_view name) = 0;
  virtual Result<PoolHandle> lookupPoolByUuid(const Uuid& uuid) = 0;
  virtual Result<PoolHandle> lookupPoolByVolume(const VolHandle& vol) = 0;
  virtual Result<PoolHandle> definePool(std::string_view xml, unsigned flags) = 0;
  virtual Result<PoolHandle> createPool(std::string_view xml, unsigned flags) = 0;
  virtual Result<void> undefinePool(const PoolHandle& pool) = 0;
  virtual Result<void> buildPool(const PoolHandle& pool, unsigned flags) = 0;
  virtual Result<void> startPool(const PoolHandle& pool, unsigned flags) = 0;
  virtual Result<void> destroyPool(const PoolHandle& pool) = 0;
  virtual Result<void> deletePool(const PoolHandle& pool, unsigned flags) = 0;
  virtual Result<void> refreshPool(const PoolHandle& pool, unsigned flags) = 0;
  virtual Result<PoolInfo> poolInfo(const PoolHandle& pool) = 0;
  virtual Result<std::string> poolXml(const PoolHandle& pool, unsigned flags) = 0;
  virtual Result<bool> poolAutostart(const PoolHandle& pool) = 0;
  virtual Result<void> setPoolAutostart(const PoolHandle& pool, bool autostart) = 0;
  virtual Result<bool> poolIsActive(const PoolHandle& pool) = 0;
  virtual Result<bool> poolIsPersistent(const PoolHandle& pool) = 0;
  // The pool whose target is `path` (virStoragePoolLookupByTargetPath).
  virtual Result<PoolHandle> lookupPoolByTargetPath(std::string_view path) = 0;
  // virConnectFindStoragePoolSources: a <sources> document for pools of `type`, or
  // VIR_ERR_NO_SUPPORT for types whose backend cannot search.
  virtual Result<std::string> findPoolSources(std::string_view type, std::string_view srcSpecXml,
                                              unsigned flags) = 0;
  // virConnectGetStoragePoolCapabilities: the <storagepoolCapabilities> document.
  virtual Result<std::string> poolCapabilities(unsigned flags) = 0;
  // Virtus extension: the pool's health and unreadable files (PoolStatus).
  virtual Result<PoolStatus> poolStatus(const PoolHandle& pool) = 0;

  // Volumes
  virtual Result<std::vector<VolHandle>> listAllVolumes(const PoolHandle& pool, unsigned flags) = 0;
  virtual Result<VolHandle> lookupVolByName(const PoolHandle& pool, std::string_view name) = 0;
  virtual Result<VolHandle> lookupVolByKey(std::string_view key) = 0;
  virtual Result<VolHandle> lookupVolByPath(std::string_view path) = 0;
  virtual Result<VolHandle> createVol(const PoolHandle& pool, std::string_view xml,
                                      unsigned flags) = 0;
  virtual Result<VolHandle> createVolFrom(const PoolHandle& pool, std::string_view xml,
                                          const VolHandle& source, unsigned flags,
                                          const ProgressFn& progress = {}) = 0;
  virtual Result<void> deleteVol(const VolHandle& vol, unsigned flags) = 0;
  virtual Result<void> wipeVol(const VolHandle& vol, WipeAlgorithm algorithm, unsigned flags,
                               const ProgressFn& progress = {}) = 0;
  virtual Result<void> resizeVol(const VolHandle& vol, std::uint64_t capacity, unsigned flags) = 0;
  virtual Result<VolInfo> volInfo(const VolHandle& vol, unsigned flags) = 0;
  virtual Result<std::string> volXml(const VolHandle& vol, unsigned flags) = 0;
  virtual Result<std::string> volPath(const VolHandle& vol) = 0;
  virtual Result<void> uploadVol(const VolHandle& vol, std::uint64_t offset, std::uint64_t length,
                                 unsigned flags, StreamSource& source,
                                 const ProgressFn& progress = {}) = 0;
  virtual Result<void> downloadVol(const VolHandle& vol, std::uint64_t offset, std::uint64_t length,
                                   unsigned flags, StreamSink& sink,
                                   const ProgressFn& progress = {}) = 0;
};

}  // namespace virtus::driver
