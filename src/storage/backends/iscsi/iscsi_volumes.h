// The volumes of an iscsi pool are its session host's LUNs, made exactly as the scsi pool
// makes them (libvirt shares virStorageBackendSCSIFindLUs between the two): see
// backends/scsi/scsi_lun_volumes.h.
#pragma once

#include "storage/backends/scsi/scsi_lun_volumes.h"

namespace virtus::storage::iscsi {

using scsi::kDefaultTargetPath;
using scsi::LunHost;
using scsi::lunVolumes;

}  // namespace virtus::storage::iscsi
