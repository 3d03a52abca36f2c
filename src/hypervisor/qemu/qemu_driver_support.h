// Helpers shared by the QEMU driver's source files.
#pragma once

#include <string>

#include "common/check_flags.h"
#include "common/error.h"
#include "common/result.h"
#include "driver/domain_driver.h"
#include "hypervisor/qemu/qemu_driver_object.h"

namespace virtus::qemu {

inline Error qemuError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Qemu, std::move(message));
}

// virCheckFlags
inline Result<void> checkFlags(unsigned flags, unsigned allowed, const char* function) {
  return virtus::checkFlags(flags, allowed, function, ErrorDomain::Qemu);
}

inline Error notRunning() {
  return qemuError(ErrorCode::OperationInvalid, "domain is not running");
}

// Whether the "qdev" of a query-block or query-blockstats entry is the device `alias`: its
// id, or the QOM path of the device or of a child of it (a virtio disk's virtio-backend).
inline bool isQdevOf(const std::string& qdev, const std::string& alias) {
  const std::string path = "/machine/peripheral/" + alias;
  return qdev == alias || qdev == path || qdev.rfind(path + "/", 0) == 0;
}

inline driver::DomainHandle handleOf(const QemuDomainObject& obj) {
  return driver::DomainHandle{obj.def.name, obj.def.uuid.value_or(Uuid()), obj.id};
}

}  // namespace virtus::qemu
