// Base64 (RFC 4648, with padding, no line breaks): secret values on disk, as libvirt
// stores them (virStringEncodeBase64; gnulib's strict base64_decode_alloc on load), and
// the data of QEMU secret objects sent over QMP.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace virtus {

std::string encodeBase64(std::string_view bytes);
// nullopt for anything but canonical padded base64 (no white space, no missing padding).
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace virtus
