// qemu.conf: the QEMU driver's settings in libvirt's syntax and key names. Only the keys
// Virtus implements are read; the others (a libvirt qemu.conf has dozens) are ignored, as
// libvirt ignores keys it does not know. Documented in docs/daemon.md.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::qemu {

struct QemuConf {
  // The lock driver: nop, lockd or sanlock (its settings: qemu-NAME.conf beside qemu.conf).
  std::string lockManager = "nop";

  bool operator==(const QemuConf&) const = default;
};

// VIR_ERR_CONF_SYNTAX "SOURCE:LINE: reason" on malformed text or values of the wrong kind.
Result<QemuConf> parseQemuConf(std::string_view text, std::string_view source);

// The file at `path`; the defaults when it does not exist.
Result<QemuConf> loadQemuConf(os::FileSystem& fs, const std::string& path);

}  // namespace virtus::qemu
