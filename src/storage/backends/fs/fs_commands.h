// The commands of fs and netfs pools, as libvirt 9.0 builds them on Linux (pure builders):
// - mount (virStorageBackendFileSystemMountCmd): default options "nodev,nosuid,noexec", then
//   the type's own option (nfsvers=N, direct-io-mode=1 for glusterfs, guest for cifs), then
//   the pool's fs:mount_opts; "-t FORMAT" except for netfs with format auto;
// - umount TARGET (virStorageBackendFileSystemStop);
// - mkfs -t FORMAT [-F|-f|-I] DEVICE (virStorageBackendExecuteMKFS).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/command.h"

namespace virtus::storage::fs {

// What the mount needs from the definition (libvirt's virStorageBackendFileSystemIsValid):
// netfs exactly one host (VIR_ERR_CONFIG_UNSUPPORTED) with a name and a dir
// (VIR_ERR_INTERNAL_ERROR); fs one device (none: VIR_ERR_INTERNAL_ERROR, several:
// VIR_ERR_CONFIG_UNSUPPORTED).
Result<void> checkMountSource(const model::PoolDef& def);

// "host:dir", "//host/dir" for cifs, or the fs device path.
std::string mountSource(const model::PoolDef& def);

// `def` must have passed checkMountSource.
os::Command buildMountCommand(const model::PoolDef& def);

// umount TARGET: libvirt unmounts the target path, not the source.
os::Command buildUmountCommand(const model::PoolDef& def);

// mkfs -t FORMAT DEVICE with the option that makes the format's mkfs overwrite what the
// device holds: -F for ext2/3/4, -f for xfs, -I for vfat (none for the others). libvirt
// passes any format through, "auto" included (mkfs then fails to find mkfs.auto).
os::Command buildMkfsCommand(std::string_view format, const std::string& device);

}  // namespace virtus::storage::fs
