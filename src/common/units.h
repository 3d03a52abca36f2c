// Scaled integers as libvirt reads and prints them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus {

// Multiplies `value` by the unit libvirt's virScaleInteger accepts: "", "b", "bytes",
// "k"/"KiB" (1024), "KB" (1000), and so on up to "E"/"EiB"/"EB". `defaultScale` applies
// when unit is empty. Unknown suffix: VIR_ERR_INVALID_ARG; overflow past `limit`:
// VIR_ERR_OVERFLOW.
Result<std::uint64_t> scaleInteger(std::uint64_t value, std::string_view unit,
                                   std::uint64_t defaultScale = 1,
                                   std::uint64_t limit = UINT64_MAX);

// "10G", "512M", "1.5GiB"? No fractions, as libvirt. Parses "<number>[suffix]" as virsh's
// size arguments (vol-create-as, vol-resize): the default unit is bytes.
Result<std::uint64_t> parseSizeArgument(std::string_view text);

// virsh's human-readable size: "100.00 GiB", "0.00 B", "512.00 KiB" (vshPrettyCapacity).
std::string prettyCapacity(std::uint64_t bytes);

}  // namespace virtus
