#include "storage/backends/scsi/scsi_backend.h"

#include "os/command_runner.h"
#include "storage/backends/scsi/scsi_commands.h"
#include "storage/backends/scsi/scsi_host.h"
#include "storage/backends/scsi/scsi_lun_volumes.h"
#include "storage/backends/scsi/scsi_luns.h"
#include "storage/backends/scsi/sysfs_attr.h"
#include "storage/backends/scsi/vhba.h"

namespace virtus::storage {

StorageBackendPtr makeScsiBackend(const BackendContext& ctx) {
  return std::make_unique<scsi::ScsiBackend>(ctx, HostRoots{});
}

namespace scsi {

namespace {

using Adapter = model::StorageAdapter;

// libvirt writes sizeof("- - -"): the string and its terminating NUL.
constexpr std::string_view kScanString{"- - -\0", 6};

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

std::string wwnPair(const Adapter& a) {
  return "wwnn='" + a.wwnn + "', wwpn='" + a.wwpn + "'";
}

}  // namespace

ScsiBackend::ScsiBackend(const BackendContext& ctx, HostRoots roots)
    : ctx_(ctx), roots_(std::move(roots)) {}

BackendFeatures ScsiBackend::features() const {
  BackendFeatures f;
  f.startPool = true;
  f.stopPool = true;
  return f;
}

Result<std::optional<std::string>> ScsiBackend::adapterHost(const Adapter& adapter,
                                                            Error* vhbaError) {
  switch (adapter.type) {
    case Adapter::Type::ScsiHost:
      if (adapter.hasParentAddr) {
        TRY_ASSIGN(std::string name, hostByParentAddr(ctx_.fs, roots_.sys, adapter.parentAddr,
                                                      adapter.uniqueId.value_or(0)));
        return std::optional<std::string>(std::move(name));
      }
      return std::optional<std::string>(adapter.name);
    case Adapter::Type::FcHost: {
      TRY_ASSIGN(auto name, fcHostByWwn(ctx_.fs, roots_.sys, adapter.wwnn, adapter.wwpn));
      if (!name && vhbaError)
        *vhbaError =
            storageError(ErrorCode::XmlError, "Failed to find SCSI host with " + wwnPair(adapter));
      return name;
    }
    case Adapter::Type::None:
      break;
  }
  return storageError(ErrorCode::InternalError, "The scsi pool has no source adapter.");
}

Result<void> ScsiBackend::settle() {
  // Best effort, as libvirt's virWaitForDevices; only a missed deadline is an error.
  auto run = ctx_.commands.run(buildUdevSettle(ctx_.networkTimeout));
  if (!run && run.error().code == ErrorCode::OperationTimeout)
    return std::move(run).error();
  return ok();
}

Result<void> ScsiBackend::triggerScan(unsigned host) {
  const std::string path = roots_.sys + "/class/scsi_host/host" + std::to_string(host) + "/scan";
  TRY_ASSIGN(auto file, [&]() -> Result<os::FilePtr> {
    auto opened = ctx_.fs.open(path, os::OpenMode::WriteOnly);
    if (!opened)
      return storageError(
          ErrorCode::SystemError,
          "Could not open '" + path + "' to trigger host scan: " + opened.error().message);
    return opened;
  }());
  if (auto written = file->writeAt(0, std::span<const char>(kScanString)); !written)
    return storageError(
        ErrorCode::SystemError,
        "Write to '" + path + "' to trigger host scan failed: " + written.error().message);
  return ok();
}

Result<bool> ScsiBackend::checkPool(const PoolRuntime& pool) {
  TRY_ASSIGN(auto name, adapterHost(pool.def.source.adapter));
  if (!name)
    return false;  // an fc_host pool whose vHBA is not created yet
  TRY_ASSIGN(unsigned host, scsiHostNumber(*name));
  return ctx_.fs.exists(roots_.sys + "/class/scsi_host/host" + std::to_string(host));
}

Result<void> ScsiBackend::refreshPool(PoolRuntime& pool) {
  model::PoolDef& def = pool.def;
  def.capacity = def.allocation = def.available = 0;
  Error missing = storageError(ErrorCode::InternalError, "");
  TRY_ASSIGN(auto name, adapterHost(def.source.adapter, &missing));
  if (!name)
    return missing;
  TRY_ASSIGN(unsigned host, scsiHostNumber(*name));
  TRY(triggerScan(host));
  TRY(settle());
  return refreshFromScsiHost(LunHost{ctx_.fs, ctx_.commands, roots_.dev, ctx_.networkTimeout},
                             roots_.sys, host, pool);
}

Result<void> ScsiBackend::checkVhbaParent(const std::string& vhba, const std::string& parent) {
  auto number = scsiHostNumber(parent);
  if (!number)
    return storageError(ErrorCode::XmlError, "parent '" + parent + "' is not properly formatted");
  if (!fcHostExists(ctx_.fs, roots_.sys, *number))
    return storageError(ErrorCode::XmlError,
                        "parent '" + parent + "' is not an fc_host for the wwnn/wwpn");
  TRY_ASSIGN(auto actual, vhbaParent(ctx_.fs, roots_.sys, vhba));
  if (actual != *number)
    return storageError(
        ErrorCode::XmlError,
        "Parent attribute '" + parent + "' does not match parent '" +
            (actual ? "scsi_host" + std::to_string(*actual) : std::string("(none)")) +
            "' determined for the '" + vhba + "' wwnn/wwpn lookup.");
  return ok();
}

Result<unsigned> ScsiBackend::vportParent(const Adapter& a) {
  if (!a.parent.empty()) {
    TRY_ASSIGN(unsigned host, scsiHostNumber(a.parent));
    if (!isVportCapable(ctx_.fs, roots_.sys, host))
      return storageError(ErrorCode::InternalError,
                          "Parent device '" + a.parent + "' is not capable of vport operations");
    return host;
  }
  std::optional<std::string> found;
  if (!a.parentWwnn.empty() && !a.parentWwpn.empty()) {
    TRY_ASSIGN(found, fcHostByWwn(ctx_.fs, roots_.sys, a.parentWwnn, a.parentWwpn));
    if (!found)
      return storageError(ErrorCode::XmlError, "Could not find parent device with wwnn '" +
                                                   a.parentWwnn + "' and wwpn '" + a.parentWwpn +
                                                   "'");
  } else if (!a.parentFabricWwn.empty()) {
    TRY_ASSIGN(found, fcHostByFabricWwn(ctx_.fs, roots_.sys, a.parentFabricWwn));
    if (!found)
      return storageError(ErrorCode::XmlError, "Could not find parent device with fabric_wwn '" +
                                                   a.parentFabricWwn + "'");
  } else {
    TRY_ASSIGN(found, findVportHost(ctx_.fs, roots_.sys));
    if (!found)
      return storageError(ErrorCode::InternalError, "Could not find any vport capable device");
  }
  TRY_ASSIGN(unsigned host, scsiHostNumber(*found));
  if (!isVportCapable(ctx_.fs, roots_.sys, host))
    return storageError(ErrorCode::InternalError,
                        "Parent device '" + *found + "' is not capable of vport operations");
  return host;
}

Result<void> ScsiBackend::createVport(Adapter& a) {
  TRY_ASSIGN(auto existing, fcHostByWwn(ctx_.fs, roots_.sys, a.wwnn, a.wwpn));
  if (existing) {
    if (!a.parent.empty())
      return checkVhbaParent(*existing, a.parent);
    return ok();
  }
  TRY_ASSIGN(unsigned parent, vportParent(a));
  TRY(manageVport(ctx_.fs, roots_.sys, parent, a.wwpn, a.wwnn, VportOp::Create));
  // From here on a failure deletes the vHBA again: a failed start leaves nothing behind.
  auto created = [&]() -> Result<void> {
    TRY(settle());
    TRY_ASSIGN(auto name, fcHostByWwn(ctx_.fs, roots_.sys, a.wwnn, a.wwpn));
    if (!name)
      return storageError(ErrorCode::InternalError, "vHBA with " + wwnPair(a) +
                                                        " not found after creating it on host" +
                                                        std::to_string(parent));
    return ok();
  }();
  if (!created) {
    (void)manageVport(ctx_.fs, roots_.sys, parent, a.wwpn, a.wwnn, VportOp::Remove);
    return std::move(created).error();
  }
  // We made it, so we remove it on stop (libvirt saves managed='yes' in the definition).
  a.managed = model::TriState::Yes;
  return ok();
}

Result<void> ScsiBackend::startPool(PoolRuntime& pool) {
  Adapter& adapter = pool.def.source.adapter;
  if (adapter.type != Adapter::Type::FcHost)
    return ok();
  return createVport(adapter);
}

Result<void> ScsiBackend::deleteVport(const Adapter& a) {
  if (a.managed != model::TriState::Yes)
    return ok();
  TRY_ASSIGN(auto name, fcHostByWwn(ctx_.fs, roots_.sys, a.wwnn, a.wwpn));
  if (!name)
    return storageError(ErrorCode::InternalError, "Failed to find fc_host for wwnn='" + a.wwnn +
                                                      "' and wwpn='" + a.wwpn + "'");
  unsigned parent = 0;
  if (!a.parent.empty()) {
    TRY_ASSIGN(parent, scsiHostNumber(a.parent));
  } else {
    TRY_ASSIGN(auto found, vhbaParent(ctx_.fs, roots_.sys, *name));
    if (!found)
      return ok();  // a physical HBA: there is no vHBA to remove
    parent = *found;
  }
  return manageVport(ctx_.fs, roots_.sys, parent, a.wwpn, a.wwnn, VportOp::Remove);
}

Result<void> ScsiBackend::stopPool(PoolRuntime& pool) {
  const Adapter& adapter = pool.def.source.adapter;
  if (adapter.type != Adapter::Type::FcHost)
    return ok();
  return deleteVport(adapter);
}

}  // namespace scsi
}  // namespace virtus::storage
