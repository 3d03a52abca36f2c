#include "common/uuid.h"

#include <sys/random.h>

#include <cstdio>

#include "common/hex.h"

namespace virtus {

std::optional<Uuid> Uuid::parse(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ')
    ++i;
  std::array<std::uint8_t, 16> out{};
  for (std::size_t n = 0; n < 16; ++n) {
    while (i < text.size() && text[i] == '-')
      ++i;
    if (i + 1 >= text.size())
      return std::nullopt;
    int hi = hexDigitValue(text[i]);
    int lo = hexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out[n] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  while (i < text.size()) {
    if (text[i] != ' ')
      return std::nullopt;
    ++i;
  }
  return Uuid(out);
}

Uuid Uuid::generate() {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0)
      got += static_cast<std::size_t>(n);
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
  return Uuid(bytes);
}

std::string Uuid::str() const {
  char buf[37];
  std::snprintf(
      buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
      bytes_[0], bytes_[1], bytes_[2], bytes_[3], bytes_[4], bytes_[5], bytes_[6], bytes_[7],
      bytes_[8], bytes_[9], bytes_[10], bytes_[11], bytes_[12], bytes_[13], bytes_[14], bytes_[15]);
  return buf;
}

bool Uuid::isNull() const {
  for (auto b : bytes_) {
    if (b != 0)
      return false;
  }
  return true;
}

}  // namespace virtus
