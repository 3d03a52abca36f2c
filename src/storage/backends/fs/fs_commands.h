// The mount command that starts an fs or netfs pool, as libvirt 9.0 builds it on Linux
// (virStorageBackendFileSystemMountCmd): default options "nodev,nosuid,noexec", then the
// type's own option (nfsvers=N, direct-io-mode=1 for glusterfs, guest for cifs), then the
// pool's fs:mount_opts; "-t FORMAT" except for netfs with format auto.
#pragma once

#include <string>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/command.h"

namespace virtus::storage::fs {

// What the mount needs from the definition (libvirt's virStorageBackendFileSystemIsValid):
// netfs exactly one host and a dir, fs exactly one device. VIR_ERR_INTERNAL_ERROR otherwise.
Result<void> checkMountSource(const model::PoolDef& def);

// "host:dir", "//host/dir" for cifs, or the fs device path.
std::string mountSource(const model::PoolDef& def);

// `def` must have passed checkMountSource.
os::Command buildMountCommand(const model::PoolDef& def);

}  // namespace virtus::storage::fs
