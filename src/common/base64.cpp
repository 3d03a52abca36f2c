#include "common/base64.h"

#include <cstdint>

namespace virtus {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int digitValue(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

}  // namespace

std::string encodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                      (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                      std::uint32_t(std::uint8_t(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2)
      n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int a = digitValue(text[i]);
    int b = digitValue(text[i + 1]);
    if (a < 0 || b < 0)
      return std::nullopt;
    char c3 = text[i + 2];
    char c4 = text[i + 3];
    std::uint32_t n = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12);
    if (c3 == '=') {
      if (!last || c4 != '=')
        return std::nullopt;
      out += char((n >> 16) & 0xFF);
      break;
    }
    int c = digitValue(c3);
    if (c < 0)
      return std::nullopt;
    n |= std::uint32_t(c) << 6;
    if (c4 == '=') {
      if (!last)
        return std::nullopt;
      out += char((n >> 16) & 0xFF);
      out += char((n >> 8) & 0xFF);
      break;
    }
    int d = digitValue(c4);
    if (d < 0)
      return std::nullopt;
    n |= std::uint32_t(d);
    out += char((n >> 16) & 0xFF);
    out += char((n >> 8) & 0xFF);
    out += char(n & 0xFF);
  }
  return out;
}

}  // namespace virtus
