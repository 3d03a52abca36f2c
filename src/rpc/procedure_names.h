#pragma once

#include <cstdint>
#include <string_view>

namespace virtus::rpc {

// libvirt's name of a REMOTE procedure without the REMOTE_PROC_ prefix
// ("STORAGE_POOL_LOOKUP_BY_NAME"); empty for numbers libvirt 9.0 does not define.
std::string_view remoteProcedureName(std::int32_t procedure);

}  // namespace virtus::rpc
