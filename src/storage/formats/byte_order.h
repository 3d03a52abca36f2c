// Fixed-width integer access to on-disk headers, independent of host byte order and alignment.
#pragma once

#include <cstdint>
#include <string>

namespace virtus::formats {

inline std::uint64_t loadBE(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline std::uint64_t loadLE(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline std::uint16_t be16(const char* p) {
  return static_cast<std::uint16_t>(loadBE(p, 2));
}
inline std::uint32_t be32(const char* p) {
  return static_cast<std::uint32_t>(loadBE(p, 4));
}
inline std::uint64_t be64(const char* p) {
  return loadBE(p, 8);
}
inline std::uint16_t le16(const char* p) {
  return static_cast<std::uint16_t>(loadLE(p, 2));
}
inline std::uint32_t le32(const char* p) {
  return static_cast<std::uint32_t>(loadLE(p, 4));
}
inline std::uint64_t le64(const char* p) {
  return loadLE(p, 8);
}

inline void storeBE(char* p, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    p[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}
inline void putBE16(std::string& s, std::size_t at, std::uint16_t v) {
  storeBE(&s[at], v, 2);
}
inline void putBE32(std::string& s, std::size_t at, std::uint32_t v) {
  storeBE(&s[at], v, 4);
}
inline void putBE64(std::string& s, std::size_t at, std::uint64_t v) {
  storeBE(&s[at], v, 8);
}

}  // namespace virtus::formats
