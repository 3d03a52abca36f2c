#include "storage/volume_copy_rules.h"

namespace virtus::storage {

std::string volumeFormat(const model::VolDef& vol) {
  return vol.target.format.empty() ? std::string("raw") : vol.target.format;
}

Result<void> checkVolumeCopy(const model::VolDef& vol, const model::VolDef& source) {
  const bool sourceIsDir =
      source.type == model::VolType::Dir || source.type == model::VolType::Netdir;
  if (volumeFormat(vol) == "dir" || sourceIsDir) {
    return makeError(ErrorCode::OperationUnsupported, ErrorDomain::Storage,
                     "cannot copy from volume '" + source.name + "' to a directory volume");
  }
  if (vol.target.encryption) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "storage pool does not support building encrypted volumes from other "
                     "volumes");
  }
  return ok();
}

}  // namespace virtus::storage
