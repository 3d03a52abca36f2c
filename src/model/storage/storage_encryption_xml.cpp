#include "model/storage/storage_encryption_xml.h"

#include <array>
#include <string_view>

#include "model/storage/storage_xml_props.h"

namespace virtus::model {

namespace {

constexpr std::array<std::string_view, 4> kFormats = {"default", "qcow", "luks", "luks2"};
// "default" is libvirt's engine number 0, which an explicit engine= may not name.
constexpr std::array<std::string_view, 2> kEngines = {"qemu", "librbd"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view value) {
  for (std::string_view name : names) {
    if (name == value)
      return true;
  }
  return false;
}

Result<EncryptionSecret> parseSecret(pugi::xml_node node) {
  EncryptionSecret secret;
  auto type = xpathString(node, "@type");
  if (!type)
    return storageXmlError("unknown volume encryption secret type");
  if (*type != "passphrase") {
    return storageError(ErrorCode::ConfigUnsupported,
                        "unknown volume encryption secret type " + *type);
  }
  secret.type = *type;
  TRY_ASSIGN(secret.ref, parseSecretLookup(node));
  return secret;
}

Result<void> parseCipher(pugi::xml_node node, StorageEncryption& enc) {
  pugi::xml_attribute name = node.attribute("name");
  if (!name)
    return storageXmlError("cipher info missing 'name' attribute");
  if (!node.attribute("size"))
    return missingAttr(node, "size");
  TRY_ASSIGN(auto size, propUInt(node, "size", 10));
  enc.hasCipher = true;
  enc.cipherName = name.value();
  enc.cipherSize = *size;
  if (pugi::xml_attribute mode = node.attribute("mode")) {
    enc.hasCipherMode = true;
    enc.cipherMode = mode.value();
  }
  if (pugi::xml_attribute hash = node.attribute("hash")) {
    enc.hasCipherHash = true;
    enc.cipherHash = hash.value();
  }
  return ok();
}

Result<void> parseIvgen(pugi::xml_node node, StorageEncryption& enc) {
  if (!enc.hasCipher) {
    return storageXmlError("ivgen element found, but cipher is missing");
  }
  pugi::xml_attribute name = node.attribute("name");
  if (!name)
    return storageXmlError("missing ivgen info name string");
  enc.hasIvgen = true;
  enc.ivgenName = name.value();
  if (pugi::xml_attribute hash = node.attribute("hash")) {
    enc.hasIvgenHash = true;
    enc.ivgenHash = hash.value();
  }
  return ok();
}

}  // namespace

Result<SecretRef> parseSecretLookup(pugi::xml_node node) {
  pugi::xml_attribute uuid = node.attribute("uuid");
  pugi::xml_attribute usage = node.attribute("usage");
  // virsecret.c reports without a domain of its own.
  if (!uuid && !usage) {
    return makeError(ErrorCode::XmlError, ErrorDomain::None,
                     "missing secret uuid or usage attribute");
  }
  if (uuid && usage) {
    return makeError(ErrorCode::XmlError, ErrorDomain::None,
                     "either secret uuid or usage expected");
  }
  SecretRef ref;
  if (uuid) {
    auto parsed = Uuid::parse(uuid.value());
    if (!parsed) {
      return makeError(ErrorCode::XmlError, ErrorDomain::None,
                       "invalid secret uuid '" + std::string(uuid.value()) + "'");
    }
    ref.uuid = *parsed;
  } else {
    ref.usage = usage.value();
  }
  return ref;
}

void formatSecretLookup(XmlWriter& w, std::string_view type, const SecretRef& ref) {
  XmlAttrs attrs;
  attrs.addNonEmpty("type", type);
  if (ref.uuid) {
    attrs.add("uuid", ref.uuid->str());
  } else {
    attrs.add("usage", ref.usage);
  }
  w.empty("secret", attrs);
}

Result<StorageEncryption> parseStorageEncryption(pugi::xml_node node) {
  StorageEncryption enc;
  auto format = xpathString(node, "@format");
  if (!format)
    return storageXmlError("unknown volume encryption format");
  if (!contains(kFormats, *format)) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "unknown volume encryption format type " + *format);
  }
  enc.format = *format;
  if (pugi::xml_attribute engine = node.attribute("engine")) {
    if (!contains(kEngines, engine.value())) {
      return invalidAttrValue(node, "engine", engine.value());
    }
    enc.engine = engine.value();
  }
  for (pugi::xml_node child : node.children("secret")) {
    TRY_ASSIGN(EncryptionSecret secret, parseSecret(child));
    enc.secrets.push_back(std::move(secret));
  }
  // Only LUKS describes its key layout; libvirt ignores <cipher>/<ivgen> elsewhere.
  if (enc.format == "luks") {
    if (pugi::xml_node cipher = node.child("cipher"))
      TRY(parseCipher(cipher, enc));
    if (pugi::xml_node ivgen = node.child("ivgen"))
      TRY(parseIvgen(ivgen, enc));
  }
  return enc;
}

void formatStorageEncryption(XmlWriter& w, const StorageEncryption& enc) {
  XmlAttrs attrs;
  attrs.add("format", enc.format);
  attrs.addNonEmpty("engine", enc.engine);
  w.open("encryption", attrs);
  for (const EncryptionSecret& secret : enc.secrets)
    formatSecretLookup(w, secret.type, secret.ref);
  if (enc.format == "luks" && enc.hasCipher) {
    XmlAttrs cipher;
    cipher.add("name", enc.cipherName);
    cipher.add("size", std::to_string(enc.cipherSize.value_or(0)));
    cipher.addIf(enc.hasCipherMode, "mode", enc.cipherMode);
    cipher.addIf(enc.hasCipherHash, "hash", enc.cipherHash);
    w.empty("cipher", cipher);
    if (enc.hasIvgen) {
      XmlAttrs ivgen;
      ivgen.add("name", enc.ivgenName);
      ivgen.addIf(enc.hasIvgenHash, "hash", enc.ivgenHash);
      w.empty("ivgen", ivgen);
    }
  }
  w.close("encryption");
}

}  // namespace virtus::model
