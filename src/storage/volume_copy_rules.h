// Rules shared by the file-based backends (dir, gluster) for new volumes and copies of
// volumes, as libvirt's storage_util.c applies them.
#pragma once

#include <string>

#include "common/result.h"
#include "model/storage/vol_def.h"

namespace virtus::storage {

// The volume's format: "raw" when its definition names none.
std::string volumeFormat(const model::VolDef& vol);

// A copy of `source` into the new volume `vol`: neither may be a directory
// (VIR_ERR_OPERATION_UNSUPPORTED), and `vol` may not be encrypted
// (VIR_ERR_CONFIG_UNSUPPORTED).
Result<void> checkVolumeCopy(const model::VolDef& vol, const model::VolDef& source);

}  // namespace virtus::storage
