// A 16-byte UUID with libvirt's textual rules (hyphens optional on input, canonical
// lower-case 8-4-4-4-12 on output).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace virtus {

class Uuid {
 public:
  Uuid() = default;
  explicit Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  // Accepts 32 hex digits, optionally separated by '-' and surrounded by spaces, as
  // libvirt's virUUIDParse does. Returns nullopt for anything else.
  static std::optional<Uuid> parse(std::string_view text);
  // A random (version 4) UUID.
  static Uuid generate();

  std::string str() const;
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  bool isNull() const;

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace virtus
