// What the command line builder's files share.
#pragma once

#include <string>

#include "common/error.h"

namespace virtus::qemu {

// CONFIG_UNSUPPORTED in the QEMU domain: what the builder cannot run, named in `message`.
inline Error unsupported(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu, std::move(message));
}

}  // namespace virtus::qemu
