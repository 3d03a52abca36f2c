#include "storage/backends/dir/dir_errors.h"

#include "common/check_flags.h"

namespace virtus::storage::dir {

Result<void> checkFlags(unsigned flags, unsigned supported, std::string_view function) {
  return virtus::checkFlags(flags, supported, function, ErrorDomain::Storage);
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
