#include "daemon/storage_volume_resolver.h"

#include "daemon/volume_network_source.h"
#include "model/storage/pool_xml.h"
#include "model/storage/vol_xml.h"

namespace virtus::daemon {

qemu::VolumeResolver makeStorageVolumeResolver(driver::StorageDriver& storage) {
  return [&storage](const std::string& pool,
                    const std::string& volume) -> Result<qemu::ResolvedVolume> {
    TRY_ASSIGN(auto poolHandle, storage.lookupPoolByName(pool));
    TRY_ASSIGN(auto volHandle, storage.lookupVolByName(poolHandle, volume));
    TRY_ASSIGN(std::string poolXml, storage.poolXml(poolHandle, 0));
    TRY_ASSIGN(std::string volXml, storage.volXml(volHandle, 0));
    TRY_ASSIGN(auto poolDef, model::parsePoolXml(poolXml));
    TRY_ASSIGN(auto volDef, model::parseVolXml(poolDef, volXml));
    TRY_ASSIGN(std::string path, storage.volPath(volHandle));
    qemu::ResolvedVolume out;
    switch (volDef.type) {
      case model::VolType::File:
        out.type = "file";
        break;
      case model::VolType::Block:
        out.type = "block";
        break;
      case model::VolType::Network: {
        TRY_ASSIGN(out.network, networkSourceOfVolume(poolDef, volDef));
        out.type = "network";
        out.format = volDef.target.format;
        return out;
      }
      default:
        return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                         "storage volume '" + volume + "' of pool '" + pool + "' is of type '" +
                             std::string(model::volTypeName(volDef.type)) +
                             "', which a disk cannot use");
    }
    out.path = std::move(path);
    out.format = volDef.target.format;
    return out;
  };
}

}  // namespace virtus::daemon
