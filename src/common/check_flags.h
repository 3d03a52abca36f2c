// libvirt's virCheckFlags: a call given flags its driver function does not know fails with
// VIR_ERR_INVALID_ARG "unsupported flags (0x4) in function NAME", NAME being libvirt's
// driver function so that the text matches libvirtd's.
#pragma once

#include <string_view>

#include "common/result.h"

namespace virtus {

Result<void> checkFlags(unsigned flags, unsigned allowed, std::string_view function,
                        ErrorDomain domain);

}  // namespace virtus
