// The SCSI host of an iSCSI session as the kernel shows it in sysfs, read as libvirt 9.0 reads
// it (storage_backend_iscsi.c); the LUN scan of that host is the scsi pool's
// (backends/scsi/scsi_luns.h).
//
//   SYS/class/iscsi_session/sessionN/device/targetH:C:T/    the session's SCSI host H
//
// SYS is a parameter so that tests lay such a tree out in a temporary directory.
#pragma once

#include <string>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::storage::iscsi {

// The SCSI host number of session `sessionId` ("Failed to get host number for iSCSI session
// with path 'P'" when its device directory has no target entry).
Result<unsigned> sessionHost(os::FileSystem& fs, const std::string& sysRoot,
                             const std::string& sessionId);

}  // namespace virtus::storage::iscsi
