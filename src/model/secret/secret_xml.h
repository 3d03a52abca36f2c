// Secret XML: libvirt 9.0's parse (virSecretDefParseString) and format (virSecretDefFormat),
// byte for byte, for every usage type.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/secret/secret_def.h"

namespace virtus::model {

// The document name libvirt gives secret XML in parse errors ("(definition_of_secret):1:").
inline constexpr std::string_view kSecretDocName = "definition_of_secret";
// libvirt's RelaxNG schema for secrets, for define with VIR_SECRET_DEFINE_VALIDATE.
inline constexpr std::string_view kSecretSchema = "secret.rng";

// Structure and libvirt's parse-time checks, in libvirt's order: the ephemeral and private
// attributes ('yes'/'no'), <uuid>, <description>, <usage>. An absent or empty <uuid> leaves
// def.uuid unset (libvirt generates one there; the secret manager does it when defining).
// Unknown elements and attributes are ignored, as libvirt does without validation.
Result<SecretDef> parseSecretXml(std::string_view xml);

// parseSecretXml then validateSecret.
Result<SecretDef> readSecretXml(std::string_view xml);

// libvirt's virSecretDefFormat. def.uuid must be set.
std::string formatSecretXml(const SecretDef& def);

}  // namespace virtus::model
