// UEFI firmware for guests, found through QEMU's firmware descriptors (JSON files described
// by QEMU's docs/interop/firmware.json, installed by ovmf/edk2 packages). As QEMU's
// interop rules say, a descriptor in an earlier directory overrides the one of the same
// file name in a later directory, and an empty file there hides it.
//
// Not part of the probe (installing OVMF does not change the QEMU binary): the daemon
// looks them up when it loads the capabilities and fills QemuCaps::firmwares.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace virtus::os {
class FileSystem;
}

namespace virtus::qemu {

// libvirt's and QEMU's search order: the host's admin, then the distribution.
inline const std::vector<std::string> kQemuFirmwareDirs = {"/etc/qemu/firmware",
                                                           "/usr/share/qemu/firmware"};

// True when `descriptor` is UEFI firmware for `arch` (libvirt's name: "x86_64", "i686").
bool isUefiFirmwareFor(const nlohmann::json& descriptor, std::string_view arch);

// The descriptors (paths) of UEFI firmware for `arch` in `dirs`, by file name. Unreadable
// or malformed descriptors are skipped.
std::vector<std::string> findUefiFirmwares(os::FileSystem& fs, std::string_view arch,
                                           const std::vector<std::string>& dirs);

}  // namespace virtus::qemu
