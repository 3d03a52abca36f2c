// Names of the iscsi-direct backend, as libvirt 9.0's storage_backend_iscsi_direct.c makes
// them, and the reading of libiscsi's login failures. Pure functions.
//
//   portal   "HOST:PORT" (PORT 3260 when the pool gives none; "[HOST]:PORT" for IPv6)
//   volume   name "unit:0:0:LUN", key and path "ip-PORTAL-iscsi-TARGET-lun-LUN"
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "storage/backends/iscsi/iscsi_sources.h"

namespace virtus::storage::iscsi_direct {

// libiscsi's portal, "HOST:PORT" (shared with the iscsi pool type).
inline Result<std::string> portalOf(const model::PoolSource& source) {
  return iscsi::hostPortOf(source);
}

std::string volumeName(unsigned lun);
std::string volumePath(std::string_view portal, std::string_view target, unsigned lun);
// The LUN a volume name stands for; nullopt when the name is not "unit:0:0:N".
std::optional<unsigned> lunOfVolumeName(std::string_view name);

// The iSCSI login status class/detail (RFC 7143 10.13.5) in a libiscsi login error
// ("Failed to log in to target. Status: Authentication failure(513)" gives 0x0201).
std::optional<int> loginStatusOf(std::string_view libiscsiError);
inline constexpr int kLoginAuthenticationFailure = 0x0201;
inline constexpr int kLoginAuthorizationFailure = 0x0202;
inline constexpr int kLoginTargetNotFound = 0x0203;

}  // namespace virtus::storage::iscsi_direct
