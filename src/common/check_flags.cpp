#include "common/check_flags.h"

#include <cstdio>
#include <string>

namespace virtus {

Result<void> checkFlags(unsigned flags, unsigned allowed, std::string_view function,
                        ErrorDomain domain) {
  const unsigned unknown = flags & ~allowed;
  if (unknown == 0)
    return ok();
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%x", unknown);
  return makeError(
      ErrorCode::InvalidArg, domain,
      "unsupported flags (" + std::string(hex) + ") in function " + std::string(function));
}

}  // namespace virtus
