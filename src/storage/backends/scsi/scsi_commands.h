// The commands of the SCSI LUN scan shared by the scsi and iscsi pools, as libvirt 9.0 runs
// them (virStorageFileGetSCSIKey, virWaitForDevices). Pure builders.
#pragma once

#include <chrono>
#include <string_view>

#include "os/command.h"

namespace virtus::storage::scsi {

inline constexpr std::string_view kScsiId = "/lib/udev/scsi_id";

// /lib/udev/scsi_id --replace-whitespace --whitelisted --device PATH (a LUN's stable id)
os::Command buildScsiId(std::string_view devicePath,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
// udevadm settle (wait until udev made the device nodes and their /dev/disk links)
os::Command buildUdevSettle(std::chrono::milliseconds timeout);

}  // namespace virtus::storage::scsi
