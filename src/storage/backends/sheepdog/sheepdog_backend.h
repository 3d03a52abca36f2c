// The `sheepdog` pool backend over the `dog` command line, as libvirt had it until 8.7
// (storage_backend_sheepdog.c). Sheepdog is dead upstream and not packaged here: the backend
// is tested on golden command lines and recorded output only.
//
// A pool is a sheepdog cluster reached at <host name= port=> (default localhost:7000); its
// volumes are the cluster's current VDIs (snapshots and clones are not listed), typed
// `network`, keyed POOL-SOURCE-NAME/VDI with the VDI's name as target path (as libvirt).
// Refresh runs `dog node info` and one `dog vdi list` (libvirt ran one more `dog vdi list
// NAME` per VDI). Volumes: create (a capacity is required), delete, resize.
#pragma once

#include "storage/backend_registry.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

StorageBackendPtr makeSheepdogBackend(const BackendContext& ctx);

namespace sheepdog {

class SheepdogBackend final : public StorageBackend {
 public:
  explicit SheepdogBackend(const BackendContext& ctx) : ctx_(ctx) {}

  model::PoolType type() const override { return model::PoolType::Sheepdog; }
  BackendFeatures features() const override;

  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> refreshVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<std::optional<model::VolDef>> lookupVol(PoolRuntime& pool, std::string_view name) override;
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                         unsigned flags) override;

 private:
  BackendContext ctx_;
};

}  // namespace sheepdog
}  // namespace virtus::storage
