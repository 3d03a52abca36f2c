#include "model/domain/domain_validate.h"

#include <set>
#include <string>

#include "model/domain/domain_xml_support.h"

namespace virtus::model {

Result<void> validateDomain(const DomainDef& def) {
  if (def.name.empty())
    return makeError(ErrorCode::NoName, ErrorDomain::Domain, "");
  if (def.memoryKiB == 0)
    return domainError(ErrorCode::XmlError,
                       "Memory size must be specified via <memory> or in the <numa> configuration");
  if (def.vcpus == 0)
    return domainError(ErrorCode::InternalError, "Domain requires at least 1 vCPU");
  if (def.vcpuCurrent && (*def.vcpuCurrent == 0 || *def.vcpuCurrent > def.vcpus))
    return domainError(ErrorCode::InternalError,
                       "Requested vcpus is greater than max allowable vcpus for the domain: " +
                           std::to_string(*def.vcpuCurrent) + " > " + std::to_string(def.vcpus));
  std::set<std::string> targets;
  std::set<unsigned> bootOrders;
  bool deviceBoot = false;
  // virDomainDefCollectBootOrder.
  auto useBootOrder = [&](const std::optional<unsigned>& order) -> Result<void> {
    if (!order)
      return ok();
    deviceBoot = true;
    if (!bootOrders.insert(*order).second)
      return domainError(ErrorCode::ConfigUnsupported, "boot order '" + std::to_string(*order) +
                                                           "' used for more than one device");
    return ok();
  };
  for (const DiskDef& disk : def.disks) {
    if (!targets.insert(disk.targetDev).second)
      return domainError(ErrorCode::XmlError, "target '" + disk.targetDev +
                                                  "' duplicated for disk sources '" +
                                                  disk.src.path + "' and '" + disk.src.path + "'");
    TRY(useBootOrder(disk.bootOrder));
    if (disk.src.type == "dir" && !disk.readonly && disk.device == "disk")
      return domainError(ErrorCode::ConfigUnsupported,
                         "disk type 'dir' of '" + disk.targetDev + "' must be read-only");
    if (disk.device == "lun" && disk.targetBus != "scsi" && disk.targetBus != "virtio")
      return domainError(ErrorCode::XmlError,
                         "disk device='lun' is only valid for block type disk source");
  }
  for (const NetDef& net : def.nets)
    TRY(useBootOrder(net.bootOrder));
  if (deviceBoot && !def.os.bootDevs.empty())
    return domainError(ErrorCode::ConfigUnsupported,
                       "per-device boot elements cannot be used together with os/boot elements");
  return ok();
}

}  // namespace virtus::model
