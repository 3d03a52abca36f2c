// SHA-256 (FIPS 180-4) of a string, as lower-case hex: names of cache files and, later, of
// lock files. Our own small implementation rather than OpenSSL's, so that the daemon does
// not map libcrypto (several hundred KiB resident) for a hash of a few short strings.
#pragma once

#include <string>
#include <string_view>

namespace virtus {

std::string sha256Hex(std::string_view data);

}  // namespace virtus
