// Small error helpers shared by the dir backend's files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus::storage::dir {

// libvirt's virCheckFlags: VIR_ERR_INVALID_ARG "unsupported flags (0x4) in function NAME".
Result<void> checkFlags(unsigned flags, unsigned supported, std::string_view function);

// Replaces the leading `from` of a system error's message by `to`, keeping the reason, so
// that a generic file error reads as libvirt's message for the operation.
Error reword(Error error, std::string_view from, std::string_view to);

// A definition's owner id, unless unset (absent or libvirt's -1).
std::optional<std::uint32_t> ownerId(const std::optional<std::int64_t>& id);

}  // namespace virtus::storage::dir
