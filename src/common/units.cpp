#include "common/units.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace virtus {

Result<std::uint64_t> scaleInteger(std::uint64_t value, std::string_view unit,
                                   std::uint64_t defaultScale, std::uint64_t limit) {
  std::uint64_t scale = 1;
  if (unit.empty()) {
    scale = defaultScale;
  } else {
    // As virScaleInteger: the "B" of "KB" and the "iB" of "KiB" are matched without regard
    // to case ("kb", "MIB" are valid).
    auto lower = [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    int base = 0;
    if (unit.size() == 1) {
      base = 1024;
    } else if (unit.size() == 2 && lower(unit[1]) == 'b') {
      base = 1000;
    } else if (unit.size() == 3 && lower(unit[1]) == 'i' && lower(unit[2]) == 'b') {
      base = 1024;
    }
    std::string lowered(unit);
    for (auto& c : lowered)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lowered == "b" || lowered == "byte" || lowered == "bytes") {
      scale = 1;
    } else if (base == 0) {
      return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                       "unknown suffix '" + std::string(unit) + "'");
    } else {
      int power = 0;
      switch (lowered[0]) {
        case 'e':
          power = 6;
          break;
        case 'p':
          power = 5;
          break;
        case 't':
          power = 4;
          break;
        case 'g':
          power = 3;
          break;
        case 'm':
          power = 2;
          break;
        case 'k':
          power = 1;
          break;
        default:
          return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                           "unknown suffix '" + std::string(unit) + "'");
      }
      for (int i = 0; i < power; ++i)
        scale *= static_cast<std::uint64_t>(base);
    }
  }
  if (value != 0 && (limit / scale < value)) {
    return makeError(ErrorCode::Overflow, ErrorDomain::None,
                     "value too large: " + std::to_string(value) + std::string(unit));
  }
  return value * scale;
}

Result<std::uint64_t> parseSizeArgument(std::string_view text) {
  std::uint64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                     "invalid size '" + std::string(text) + "'");
  }
  auto scaled = scaleInteger(value, std::string_view(ptr, static_cast<std::size_t>(end - ptr)));
  if (!scaled) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                     "invalid size '" + std::string(text) + "': " + scaled.error().message);
  }
  return scaled;
}

std::string prettyCapacity(std::uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  // virsh (vshPrettyCapacity) picks the largest unit whose threshold is reached.
  std::uint64_t threshold = 1024;
  while (unit < 6 && bytes >= threshold) {
    ++unit;
    if (unit < 6)
      threshold = threshold * 1024 > threshold ? threshold * 1024 : UINT64_MAX;
  }
  for (int i = 0; i < unit; ++i)
    value /= 1024.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2lf %s", value, kUnits[unit]);
  return buf;
}

}  // namespace virtus
