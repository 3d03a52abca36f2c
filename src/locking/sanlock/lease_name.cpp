#include "locking/sanlock/lease_name.h"

#include <openssl/evp.h>

#include <cassert>

namespace virtus::locking::sanlock {

std::string diskLeaseName(std::string_view path) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  [[maybe_unused]] int done =
      EVP_Digest(path.data(), path.size(), digest, &length, EVP_md5(), nullptr);
  assert(done == 1 && length == 16);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

bool isDiskLeaseName(std::string_view name) {
  if (name.size() != 32)
    return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  return true;
}

}  // namespace virtus::locking::sanlock
