// The `gluster` pool backend, native over libgfapi (libvirt's storage_backend_gluster.c,
// extended: Virtus also creates, resizes and clones volumes). A pool is a directory of a
// gluster volume (<source><host/><name>VOL</name><dir path=/></source>); its volumes are the
// files there, typed `network` (directories `netdir`), keyed and reached by
// gluster://HOST[:PORT]/VOL/DIR/NAME URIs.
//
// Connections: glfs_fini costs ~10 s, so the backend keeps one connection per active pool,
// keyed by the pool's UUID, made by startPool (or by the first call that needs it) and shared
// by every call on that pool from any thread. stopPool drops it from the table and returns at
// once: the last user's release hands glfs_fini to a background thread (GlusterReaper),
// which the backend's destructor waits for (bounded by Options::shutdownLimit).
//
// Bounds: glfs_init is waited for at most Options::initTimeout (VIR_ERR_OPERATION_TIMEOUT
// after that). Once connected, a call to a brick that stops answering fails after gluster's
// client ping-timeout (42 s by default) with ENOTCONN; every error names the pool and the URI.
//
// Volumes: raw files (truncate, sparse), qcow2 images (written natively by
// formats/qcow2_writer through gfapi, optionally on a backing file) and directories. Resize:
// raw only (truncate, or allocate with VIR_STORAGE_VOL_RESIZE_ALLOCATE); qcow2 images are
// not resized (VIR_ERR_NO_SUPPORT). Clone (buildVolFrom): from a volume of the same pool,
// byte for byte and sparse (holes stay holes, zero blocks are not written), for raw to raw
// and for an image to the same format at the same capacity; conversions are not supported.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/backend_registry.h"
#include "storage/backends/gluster/gluster_connection.h"
#include "storage/backends/gluster/gluster_reaper.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

StorageBackendPtr makeGlusterBackend(const BackendContext& ctx);

namespace gluster {

class GlusterBackend final : public StorageBackend {
 public:
  struct Options {
    std::chrono::milliseconds initTimeout{30000};
    // How long the destructor waits for connections still closing.
    std::chrono::milliseconds shutdownLimit{30000};
  };

  GlusterBackend(const BackendContext& ctx, Options options);
  ~GlusterBackend() override;

  model::PoolType type() const override { return model::PoolType::Gluster; }
  BackendFeatures features() const override;

  // Pool operations (gluster_backend.cpp)
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  Result<std::string> findPoolSources(std::string_view srcSpecXml, unsigned flags) override;

  // Volume operations (gluster_volumes.cpp)
  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> buildVolFrom(PoolRuntime& pool, model::VolDef& vol, const model::VolDef& source,
                            unsigned flags, const driver::ProgressFn& progress) override;
  Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<std::optional<model::VolDef>> lookupVol(PoolRuntime& pool, std::string_view name) override;
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                         unsigned flags) override;

  // Connections open now (one per active pool), and closes still running in the background.
  std::size_t openConnections() const;
  std::size_t closingConnections() const { return reaper_.pending(); }

  // The pool's connection: the one in the table, or a new one (then kept). Public for tools
  // and tests that need to reach the pool's files directly.
  Result<std::shared_ptr<GlusterConnection>> connection(const model::PoolDef& def);

 private:
  Result<void> buildRaw(GlusterConnection& conn, model::VolDef& vol, const std::string& path,
                        unsigned flags);
  Result<void> buildQcow2(GlusterConnection& conn, model::VolDef& vol, const std::string& path,
                          unsigned flags);

  struct Slot {
    std::mutex mutex;  // serialises connecting
    std::shared_ptr<GlusterConnection> conn;
  };

  BackendContext ctx_;
  Options options_;
  // Declared before the table: destroyed after it, so that it receives the last closes.
  GlusterReaper reaper_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;  // by pool UUID
};

}  // namespace gluster
}  // namespace virtus::storage
