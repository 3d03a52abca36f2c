#include "model/storage/storage_timestamps_xml.h"

#include <cstdio>

#include "model/storage/storage_xml_props.h"

namespace virtus::model {

std::optional<Timestamp> parseTimestamp(std::string_view text) {
  std::size_t dot = text.find('.');
  std::string_view secPart = text.substr(0, dot);
  std::string_view nsecPart =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto digitsOnly = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9')
        return false;
    }
    return true;
  };
  if (secPart.empty() || !digitsOnly(secPart) || !digitsOnly(nsecPart) || nsecPart.size() > 9) {
    return std::nullopt;
  }
  auto sec = parseULongLongPositive(secPart);
  if (!sec || *sec > static_cast<std::uint64_t>(INT64_MAX))
    return std::nullopt;
  std::int64_t nsec = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    nsec = nsec * 10 + (i < nsecPart.size() ? nsecPart[i] - '0' : 0);
  }
  return Timestamp{static_cast<std::int64_t>(*sec), nsec};
}

std::string formatTimestamp(const Timestamp& ts) {
  std::string out = std::to_string(static_cast<unsigned long long>(ts.sec));
  if (ts.nsec != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(ts.nsec));
    out += buf;
  }
  return out;
}

Result<StorageTimestamps> parseStorageTimestamps(pugi::xml_node node) {
  StorageTimestamps out;
  struct Field {
    const char* name;
    std::optional<Timestamp> StorageTimestamps::*member;
  };
  static constexpr Field kFields[] = {{"atime", &StorageTimestamps::atime},
                                      {"btime", &StorageTimestamps::btime},
                                      {"ctime", &StorageTimestamps::ctime},
                                      {"mtime", &StorageTimestamps::mtime}};
  for (const Field& field : kFields) {
    auto text = childText(node, field.name);
    if (!text)
      continue;
    auto ts = parseTimestamp(*text);
    if (!ts) {
      return storageXmlError("malformed timestamp '" + *text + "' in element '" + field.name + "'");
    }
    out.*field.member = *ts;
  }
  return out;
}

void formatStorageTimestamps(XmlWriter& w, const StorageTimestamps& ts) {
  w.open("timestamps");
  auto one = [&](const char* name, const std::optional<Timestamp>& value) {
    if (value && value->nsec >= 0)
      w.text(name, formatTimestamp(*value));
  };
  one("atime", ts.atime);
  one("mtime", ts.mtime);
  one("ctime", ts.ctime);
  one("btime", ts.btime);
  w.close("timestamps");
}

}  // namespace virtus::model
