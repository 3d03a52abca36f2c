// libvirt's label check through parted (virStorageBackendPARTEDValidLabel), used where
// libblkid cannot tell the label apart: "dvh" (blkid says "sgi") and "pc98" (blkid says
// "dos"). Pure: judges what `parted -s -m DEV unit B print free` answered.
#pragma once

#include <string_view>

#include "common/result.h"
#include "os/command_runner.h"

namespace virtus::storage::disk {

// Does `format` need parted's check instead of libblkid's?
bool needsPartedLabelCheck(std::string_view format);

// `print` is parted's answer (exit status and output). With `writelabel` (a build without
// OVERWRITE) the disk must have no label it knows; otherwise (start) it must have `format`.
// Errors and messages as libvirt's: VIR_ERR_OPERATION_INVALID "Disk label already
// formatted using 'F'", VIR_ERR_OPERATION_FAILED for a different, unknown or unrecognised
// label or when parted failed otherwise.
Result<void> checkPartedLabel(const os::CommandOutput& print, std::string_view format,
                              bool writelabel);

}  // namespace virtus::storage::disk
