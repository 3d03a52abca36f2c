// The `scsi` pool backend, as libvirt 9.0's storage_backend_scsi.c: the pool is one SCSI host
// adapter of this machine, its volumes the host's disk and CD/DVD LUNs (scsi_luns.h,
// scsi_lun_volumes.h, shared with the iscsi pool). No volume can be created or deleted.
//
//   adapter  scsi_host by name ("host5") or by <parentaddr> (scsi_host.h); fc_host by the
//            wwnn/wwpn of an (NPIV) vHBA in SYS/class/fc_host (vhba.h)
//   start    fc_host: nothing when the vHBA exists (its parent must be the given one);
//            otherwise it is created on the parent (given by name, by parent_wwnn/wwpn, by
//            parent_fabric_wwn, or the first vport-capable online HBA) by writing
//            "WWPN:WWNN" to the parent's vport_create, `udevadm settle`, and the vHBA must
//            then be there (vport_delete again when not); the pool becomes managed='yes'.
//            scsi_host: nothing.
//   refresh  the adapter's host number, a scan ("- - -" written to
//            SYS/class/scsi_host/hostN/scan), `udevadm settle`, then the LUNs
//   stop     fc_host with managed='yes': "WWPN:WWNN" to the parent's vport_delete
//   check    SYS/class/scsi_host/hostN exists (false for an fc_host whose vHBA is missing)
//
// Every command has the context's deadline. Sysfs goes through ctx.fs under HostRoots.
// Differences from libvirt 9.0, on purpose: the first vport-capable HBA is the one with
// more max_npiv_vports than npiv_vports_inuse as numbers (libvirt compares the strings'
// lengths first); hosts are visited by number, not in directory order; a LUN scan error
// fails the refresh.
#pragma once

#include <optional>
#include <string>

#include "storage/host_roots.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// The backend on this host's /sys and /dev.
StorageBackendPtr makeScsiBackend(const BackendContext& ctx);

namespace scsi {

class ScsiBackend final : public StorageBackend {
 public:
  ScsiBackend(const BackendContext& ctx, HostRoots roots);

  model::PoolType type() const override { return model::PoolType::Scsi; }
  BackendFeatures features() const override;

  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  Result<void> refreshPool(PoolRuntime& pool) override;

 private:
  // The adapter's host name ("host5"); nullopt for an fc_host whose vHBA does not exist
  // (`vhbaError` then says so, as libvirt's getAdapterName).
  Result<std::optional<std::string>> adapterHost(const model::StorageAdapter& adapter,
                                                 Error* vhbaError = nullptr);
  Result<void> createVport(model::StorageAdapter& adapter);
  Result<void> checkVhbaParent(const std::string& vhba, const std::string& parent);
  Result<unsigned> vportParent(const model::StorageAdapter& adapter);
  Result<void> deleteVport(const model::StorageAdapter& adapter);
  Result<void> triggerScan(unsigned host);
  Result<void> settle();

  BackendContext ctx_;
  HostRoots roots_;
};

}  // namespace scsi
}  // namespace virtus::storage
