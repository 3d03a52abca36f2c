// libvirt's configuration file syntax (libvirtd.conf, qemu.conf: virconf): `name = value`
// statements, one per line or separated by ';', with integers, "strings" or 'strings',
// """multi-line strings""", lists [ "a", "b", ] and # comments. Only the syntax lives here;
// what the names mean belongs to each file's reader (daemon/daemon_config.h,
// locking/lock_config.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace virtus {

struct ConfValue {
  enum class Kind { Integer, String, List };
  Kind kind = Kind::Integer;
  // Integers keep libvirt's distinction: a leading '-' makes a signed value, which an
  // unsigned setting refuses even for "-0".
  bool negative = false;
  std::int64_t integer = 0;
  std::string string;
  std::vector<ConfValue> list;
};

struct ConfEntry {
  std::string name;
  ConfValue value;
  int line = 0;  // where the name starts, for messages
};

// VIR_ERR_CONF_SYNTAX "SOURCE:LINE: reason" (libvirt's wording: "expecting a value",
// "unterminated string", ...) on malformed text. `source` names the file in messages.
Result<std::vector<ConfEntry>> parseConf(std::string_view text, std::string_view source);

// `entries` with libvirt's rule for repeated names applied: the first of each name wins.
std::vector<ConfEntry> firstOfEachName(std::vector<ConfEntry> entries);

// "integer", "string" or "list", for messages.
std::string_view confKindName(ConfValue::Kind kind);

}  // namespace virtus
