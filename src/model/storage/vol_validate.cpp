#include "model/storage/vol_validate.h"

namespace virtus::model {

namespace {

bool volumesAreFilesInDirectory(PoolType type) {
  switch (type) {
    case PoolType::Dir:
    case PoolType::Fs:
    case PoolType::Netfs:
    case PoolType::Vstorage:
      return true;
    default:
      return false;
  }
}

Error unsupported(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage, std::move(message));
}

}  // namespace

Result<void> validateVol(const PoolDef& pool, const VolDef& vol) {
  if (volumesAreFilesInDirectory(pool.type) && vol.name.find('/') != std::string::npos) {
    return makeError(ErrorCode::OperationInvalid, ErrorDomain::Storage,
                     "volume name '" + vol.name + "' cannot contain '/'");
  }
  return ok();
}

Result<void> validateVolForQemuImg(const VolDef& vol) {
  const VolTarget& target = vol.target;
  bool qcowFamily = target.format == "qcow" || target.format == "qcow2";
  if (target.encryption && qcowFamily &&
      (target.encryption->format == "qcow" || target.encryption->format == "default")) {
    return unsupported("creation of qcow2 encrypted image is not supported");
  }
  // Block volumes are written as raw images whatever their format says.
  bool qcow2 = target.format == "qcow2" && vol.type != VolType::Block;
  if (!target.compat.empty() && !qcow2) {
    return unsupported("compatibility option only available with qcow2");
  }
  if (target.hasFeatures && !qcow2)
    return unsupported("format features only available with qcow2");
  return ok();
}

}  // namespace virtus::model
