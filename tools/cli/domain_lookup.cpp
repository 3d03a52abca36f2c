#include "cli/domain_lookup.h"

#include <charconv>
#include <optional>
#include <string>

namespace virtus::cli {

namespace {
constexpr std::size_t kUuidStringLength = 36;
}

std::optional<driver::DomainHandle> findDomain(CliContext& ctx, driver::DomainDriver& domains,
                                               std::string_view text, unsigned how) {
  std::optional<Error> last;
  auto attempt =
      [&last](Result<driver::DomainHandle> found) -> std::optional<driver::DomainHandle> {
    if (found)
      return std::move(found).value();
    last = found.error();
    return std::nullopt;
  };
  if (how & domain_by::kId) {
    int id = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc() && end == text.data() + text.size() && id >= 0) {
      if (auto found = attempt(domains.lookupDomainById(id)))
        return found;
    }
  }
  if ((how & domain_by::kUuid) && text.size() == kUuidStringLength) {
    if (auto uuid = Uuid::parse(text)) {
      if (auto found = attempt(domains.lookupDomainByUuid(*uuid)))
        return found;
    }
  }
  if (how & domain_by::kName) {
    if (auto found = attempt(domains.lookupDomainByName(text)))
      return found;
  }
  // virsh drops the lookups' own "Domain not found" and says only this; any other error (the
  // daemon went away, it has no domain driver) is worth showing.
  const std::string message = "failed to get domain '" + std::string(text) + "'";
  if (last && last->code != ErrorCode::NoDomain)
    ctx.fail(message, *last);
  else
    ctx.error(message);
  return std::nullopt;
}

}  // namespace virtus::cli
