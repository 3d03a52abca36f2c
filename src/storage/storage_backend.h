// The contract between the pool manager and one pool type's backend (libvirt's
// virStorageBackend). Only refreshPool is mandatory; every other operation defaults to
// VIR_ERR_NO_SUPPORT, and features() says, as data, which ones a backend implements.
//
// Threading: the manager calls a backend with no object lock held; it holds a PoolJob
// guard instead (see pool_job.h), so that a long operation never blocks readers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "driver/storage_driver.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::driver {
class SecretDriver;
}  // namespace virtus::driver

namespace virtus::os {
class CommandRunner;
class FileSystem;
class Clock;
}  // namespace virtus::os

namespace virtus::storage {

// Which optional operations a backend implements.
struct BackendFeatures {
  bool buildPool = false;
  bool startPool = false;
  bool stopPool = false;
  bool deletePool = false;
  bool findPoolSources = false;
  bool createVol = false;
  bool buildVol = false;
  bool buildVolFrom = false;
  bool refreshVol = false;
  bool deleteVol = false;
  bool resizeVol = false;
  bool uploadVol = false;
  bool downloadVol = false;
  bool wipeVol = false;
  // lookupVol: one volume found by name without a whole refresh (network pools with
  // thousands of volumes).
  bool lookupVol = false;
};

// The host, injected: backends reach commands, files and time only through this.
struct BackendContext {
  os::CommandRunner& commands;
  os::FileSystem& fs;
  os::Clock& clock;
  // The secrets that pools name in <auth> (ceph keys, CHAP passwords); null where no secret
  // driver exists (some tests), and then such pools fail to authenticate with a clear error.
  driver::SecretDriver* secrets = nullptr;
  // How long one exchange with network storage (a librados call, an iSCSI command, a
  // gluster connection) may take before it fails with VIR_ERR_OPERATION_TIMEOUT.
  std::chrono::milliseconds networkTimeout{30000};
};

// What a backend remembers from one refresh of a pool to spare work in the next (the dir
// backend: the image headers it probed, see backends/dir/probe_cache.h). Opaque to the
// manager, which only carries it from a call's PoolRuntime to the next one's. Immutable
// once published, so copies of a PoolRuntime share it safely across threads.
class RefreshCache {
 public:
  virtual ~RefreshCache() = default;
};

// A pool's definition plus what refresh learned. Handed to the backend while the manager
// holds the pool's job guard (not its lock).
struct PoolRuntime {
  model::PoolDef def;  // capacity/allocation/available updated by refresh
  // Filled by refreshPool; empty when any other operation is called.
  std::vector<model::VolDef> volumes;
  // Files refresh could not read: (path, error). Reported, never silently dropped.
  std::vector<std::pair<std::string, Error>> unreadable;
  // Set by refreshPool; null before the first refresh or when a backend keeps nothing.
  // Dropping it is always correct, only slower.
  std::shared_ptr<const RefreshCache> refreshCache;
};

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;

  virtual model::PoolType type() const = 0;
  virtual BackendFeatures features() const = 0;

  // Fills runtime.volumes and the pool's capacity/allocation/available.
  virtual Result<void> refreshPool(PoolRuntime& pool) = 0;

  // Is the pool's storage there? (libvirt's checkPool: decides whether an autostarted or
  // previously active pool is still active after a restart.)
  virtual Result<bool> checkPool(const PoolRuntime& pool);
  virtual Result<void> buildPool(PoolRuntime& pool, unsigned flags);
  virtual Result<void> startPool(PoolRuntime& pool);
  virtual Result<void> stopPool(PoolRuntime& pool);
  virtual Result<void> deletePool(PoolRuntime& pool, unsigned flags);
  virtual Result<std::string> findPoolSources(std::string_view srcSpecXml, unsigned flags);

  // Fills the volume's key, path and type, without touching storage.
  virtual Result<void> createVol(PoolRuntime& pool, model::VolDef& vol);
  // Creates the volume's storage; removes whatever it created when it fails.
  virtual Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags);
  virtual Result<void> buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                    const model::VolDef& source, unsigned flags,
                                    const driver::ProgressFn& progress);
  // Re-reads one volume's size, allocation, format and timestamps.
  virtual Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol);
  // The volume called `name`, read from the storage now; nullopt when there is none. The
  // manager asks when a name is not among the volumes of the last refresh (features().lookupVol).
  virtual Result<std::optional<model::VolDef>> lookupVol(PoolRuntime& pool, std::string_view name);
  virtual Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags);
  virtual Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                                 unsigned flags);
  virtual Result<void> uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                                 std::uint64_t length, unsigned flags, driver::StreamSource& source,
                                 const driver::ProgressFn& progress);
  virtual Result<void> downloadVol(PoolRuntime& pool, const model::VolDef& vol,
                                   std::uint64_t offset, std::uint64_t length, unsigned flags,
                                   driver::StreamSink& sink, const driver::ProgressFn& progress);
  virtual Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol,
                               driver::WipeAlgorithm algorithm, unsigned flags,
                               const driver::ProgressFn& progress);
};

using StorageBackendPtr = std::unique_ptr<StorageBackend>;

}  // namespace virtus::storage
