// The `logical` pool backend: an LVM volume group whose logical volumes are the pool's
// volumes, driven through the LVM command line as libvirt 9.0's storage_backend_logical.c.
//
// Build: the source devices are checked for signatures (unless OVERWRITE), their first and
// last MiB zeroed, pvcreate'd, then `vgcreate VG DEV...`; a failure pvremoves what was made.
// Start/check: `vgscan`, `pvs` must show the VG (and, when the pool lists devices, one of
// them); start then runs `vgchange -aly`. Stop: `vgchange -aln`. Delete: `vgremove -f`, then
// `pvremove` of each device. Refresh: `lvs` and `vgs`. Volumes: lvcreate (thick, sparse
// --virtualsize, snapshots of a backing LV), lvremove, wipe (zero or scrub; not sparse LVs)
// and, beyond libvirt, resize with lvresize.
//
// Every LVM command has the context's deadline (networkTimeout) except pvcreate and scrub,
// which may take long on big devices; a missed deadline is VIR_ERR_OPERATION_TIMEOUT.
#pragma once

#include <memory>
#include <optional>

#include "os/command_runner.h"
#include "storage/backends/logical/lvm_output.h"
#include "storage/device_probe.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

StorageBackendPtr makeLogicalBackend(const BackendContext& ctx);

namespace logical {

class LogicalBackend final : public StorageBackend {
 public:
  LogicalBackend(const BackendContext& ctx, std::unique_ptr<DeviceProbe> probe)
      : ctx_(ctx), probe_(std::move(probe)) {}

  model::PoolType type() const override { return model::PoolType::Logical; }
  BackendFeatures features() const override;

  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  Result<void> deletePool(PoolRuntime& pool, unsigned flags) override;
  Result<std::string> findPoolSources(std::string_view srcSpecXml, unsigned flags) override;

  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                         unsigned flags) override;
  Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress) override;

  // Streams (logical_streams.cpp): the volume is a block device, read and written as the dir
  // backend reads and writes files (libvirt's virStorageBackendVolUploadLocal/DownloadLocal).
  Result<void> uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress) override;
  Result<void> downloadVol(PoolRuntime& pool, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress) override;

 private:
  enum class Deadline { Quick, Long };
  Result<os::CommandOutput> run(os::Command cmd, Deadline deadline = Deadline::Quick);
  // vgscan (its failure ignored, as libvirt) then pvs: the volume groups and their PVs.
  Result<std::vector<model::PoolSource>> poolSources();
  // libvirt's virStorageBackendLogicalMatchPoolSource: VIR_ERR_CONFIG_UNSUPPORTED when pvs
  // does not show the pool's VG, or none of its listed devices in it.
  Result<void> matchPoolSource(const model::PoolDef& def);
  // The LV called `name` as lvs shows it now; nullopt when lvs does not list it.
  Result<std::optional<LogicalVolume>> findLv(const model::PoolDef& def, const std::string& name);
  // lvremove -f PATH; when that fails, lvchange -aln PATH and lvremove -f PATH again.
  Result<void> removeLv(const std::string& path);
  // Mode (default 0600) and owner of a new LV's device node, where it has one.
  Result<void> applyPermissions(const model::VolDef& vol, const LogicalVolume& lv);

  BackendContext ctx_;
  std::unique_ptr<DeviceProbe> probe_;
};

}  // namespace logical
}  // namespace virtus::storage
