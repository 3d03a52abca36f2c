// Reading sysfs attributes (one value per file) the way libvirt's virFileReadValue* helpers
// read them: the text without its trailing newline, and numbers that must be whole.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::storage::scsi {

// The attribute's text without surrounding blanks and the trailing newline.
Result<std::string> readAttr(os::FileSystem& fs, const std::string& path);

// `s` as a whole decimal number; nullopt for anything else (empty, signs, trailing text).
template <class T>
std::optional<T> parseNumber(std::string_view s) {
  T value{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return value;
}

// An attribute holding one decimal number: VIR_ERR_INTERNAL_ERROR "Invalid integer value 'V'
// in file 'P'" when it holds anything else.
template <class T>
Result<T> readNumber(os::FileSystem& fs, const std::string& path) {
  TRY_ASSIGN(std::string text, readAttr(fs, path));
  auto value = parseNumber<T>(text);
  if (!value)
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "Invalid integer value '" + text + "' in file '" + path + "'");
  return *value;
}

// Writes `bytes` to an existing sysfs attribute, as one write (libvirt's virFileWriteStr).
// VIR_ERR_SYSTEM_ERROR from the open or the write; callers wrap it in their own sentence.
Result<void> writeAttr(os::FileSystem& fs, const std::string& path, std::string_view bytes);

}  // namespace virtus::storage::scsi
