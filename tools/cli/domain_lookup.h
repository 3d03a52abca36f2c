// Finding the guest a command argument names, the way virsh does (virshCommandOptDomainBy):
// by id when the text is a number, then by UUID, then by name, each only when the command
// allows it. On failure virsh reports "failed to get domain 'x'" and nothing more.
#pragma once

#include <optional>
#include <string_view>

#include "cli/cli_context.h"
#include "driver/domain_driver.h"

namespace virtus::cli {

namespace domain_by {
inline constexpr unsigned kId = 1u << 0;
inline constexpr unsigned kUuid = 1u << 1;
inline constexpr unsigned kName = 1u << 2;
inline constexpr unsigned kAny = kId | kUuid | kName;
}  // namespace domain_by

std::optional<driver::DomainHandle> findDomain(CliContext& ctx, driver::DomainDriver& domains,
                                               std::string_view text,
                                               unsigned how = domain_by::kAny);

}  // namespace virtus::cli
