#include "storage/backends/dir/dir_errors.h"

#include <cstdio>

namespace virtus::storage::dir {

Result<void> checkFlags(unsigned flags, unsigned supported, std::string_view function) {
  unsigned extra = flags & ~supported;
  if (extra == 0)
    return ok();
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%x", extra);
  return makeError(
      ErrorCode::InvalidArg, ErrorDomain::Storage,
      "unsupported flags (" + std::string(hex) + ") in function " + std::string(function));
}

Error reword(Error error, std::string_view from, std::string_view to) {
  if (error.message.rfind(from, 0) == 0) {
    error.message = std::string(to) + error.message.substr(from.size());
  }
  error.domain = ErrorDomain::Storage;
  return error;
}

std::optional<std::uint32_t> ownerId(const std::optional<std::int64_t>& id) {
  if (!id || *id < 0)
    return std::nullopt;
  return static_cast<std::uint32_t>(*id);
}

}  // namespace virtus::storage::dir
