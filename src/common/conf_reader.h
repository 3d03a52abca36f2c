// Typed access to one entry of a libvirt-syntax configuration file (conf_parser.h), with
// libvirt's messages for values of the wrong kind or range ("SOURCE:LINE: reason",
// VIR_ERR_CONF_SYNTAX). Each file's reader maps names to settings with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/conf_parser.h"
#include "common/error.h"
#include "common/result.h"

namespace virtus {

class ConfReader {
 public:
  ConfReader(const ConfEntry& entry, std::string_view source) : entry_(entry), source_(source) {}

  Error error(std::string_view reason) const {
    return makeError(
        ErrorCode::ConfSyntax, ErrorDomain::Conf,
        std::string(source_) + ":" + std::to_string(entry_.line) + ": " + std::string(reason));
  }

  Result<std::string> string() const {
    if (entry_.value.kind != ConfValue::Kind::String)
      return error("expected a string for '" + entry_.name + "' parameter");
    return entry_.value.string;
  }

  Result<std::int64_t> integer(std::int64_t min, std::int64_t max) const {
    const ConfValue& v = entry_.value;
    if (v.kind != ConfValue::Kind::Integer || (v.negative && min >= 0)) {
      return error(min >= 0 ? "expected an unsigned integer for '" + entry_.name + "' parameter"
                            : "expected a signed integer for '" + entry_.name + "' parameter");
    }
    if (v.integer < min || v.integer > max) {
      return error("value for '" + entry_.name + "' parameter must be in range " +
                   std::to_string(min) + ":" + std::to_string(max));
    }
    return v.integer;
  }

  Result<bool> boolean() const {
    const ConfValue& v = entry_.value;
    if (v.kind != ConfValue::Kind::Integer || v.negative)
      return error("expected a bool for '" + entry_.name + "' parameter");
    if (v.integer > 1)
      return error("value for '" + entry_.name + "' parameter must be 0 or 1");
    return v.integer == 1;
  }

  // Socket modes are octal strings ("0770"), as in libvirtd.conf.
  Result<unsigned> mode() const {
    TRY_ASSIGN(std::string text, string());
    bool valid = !text.empty() && text.size() <= 4;
    unsigned value = 0;
    for (char c : text) {
      if (c < '0' || c > '7') {
        valid = false;
        break;
      }
      value = value * 8 + static_cast<unsigned>(c - '0');
    }
    if (!valid)
      return error("invalid mode '" + text + "' for '" + entry_.name + "' parameter");
    return value;
  }

 private:
  const ConfEntry& entry_;
  std::string_view source_;
};

}  // namespace virtus
