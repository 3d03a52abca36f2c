// The command lines of the vstorage backend (libvirt 9.0's storage_backend_vstorage.c) and
// the reading of the mount table. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/storage/pool_def.h"
#include "os/command.h"

namespace virtus::storage::vstorage {

// vstorage-mount -c CLUSTER TARGET -m MODE -g GROUP -u USER, MODE in octal without a
// leading zero ("711"), as libvirt passes it.
os::Command buildMount(const model::PoolDef& def, std::uint32_t mode, const std::string& group,
                       const std::string& user);
// umount TARGET
os::Command buildUmount(const model::PoolDef& def);

// Is the pool's cluster mounted on its target? A line of the mount table (/proc/mounts
// format, octal escapes such as \040 in paths, read by fs_mounts.h's mountLineFields) whose
// source is "vstorage://CLUSTER" and whose mount point is the target path.
bool isMountedIn(std::string_view mounts, const model::PoolDef& def);

}  // namespace virtus::storage::vstorage
