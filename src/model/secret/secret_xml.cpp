#include "model/secret/secret_xml.h"

#include <cassert>

#include "model/secret/secret_usage_name.h"
#include "model/secret/secret_validate.h"
#include "model/xml/xml_reader.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

namespace {

Error secretError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Secret, std::move(message));
}

// virStringParseYesNo: exactly "yes" or "no". An empty attribute counts as absent, because
// libvirt reads it with virXPathString, which treats "" as not set.
Result<bool> parseYesNo(pugi::xml_node root, const char* attr, bool fallback) {
  auto text = xpathString(root, std::string("@") + attr);
  if (!text)
    return fallback;
  if (*text == "yes")
    return true;
  if (*text == "no")
    return false;
  return secretError(ErrorCode::XmlError, "invalid value of '" + std::string(attr) + "'");
}

bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// virUUIDParse allows any white space around the digits; Uuid::parse only spaces.
std::string_view stripAsciiSpace(std::string_view text) {
  while (!text.empty() && isAsciiSpace(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && isAsciiSpace(text.back()))
    text.remove_suffix(1);
  return text;
}

// The element holding the usage id for each type.
const char* usageIdPath(SecretUsageType type) {
  switch (type) {
    case SecretUsageType::Volume:
      return "usage/volume";
    case SecretUsageType::Iscsi:
      return "usage/target";
    case SecretUsageType::Ceph:
    case SecretUsageType::Tls:
    case SecretUsageType::Vtpm:
      return "usage/name";
    case SecretUsageType::None:
      break;
  }
  return nullptr;
}

const char* usageIdElement(SecretUsageType type) {
  switch (type) {
    case SecretUsageType::Volume:
      return "volume";
    case SecretUsageType::Iscsi:
      return "target";
    case SecretUsageType::Ceph:
    case SecretUsageType::Tls:
    case SecretUsageType::Vtpm:
      return "name";
    case SecretUsageType::None:
      break;
  }
  return nullptr;
}

Result<void> parseUsage(pugi::xml_node root, SecretDef& def) {
  auto typeName = xpathString(root, "usage/@type");
  if (!typeName)
    return secretError(ErrorCode::XmlError, "unknown secret usage type");
  auto type = secretUsageTypeFromName(*typeName);
  if (!type)
    return secretError(ErrorCode::ConfigUnsupported, "unknown secret usage type " + *typeName);
  def.usageType = *type;
  if (*type == SecretUsageType::None)
    return ok();
  auto id = xpathString(root, usageIdPath(*type));
  if (!id)
    return missingSecretUsageIdError(*type);
  def.usageId = std::move(*id);
  return ok();
}

}  // namespace

Result<SecretDef> parseSecretXml(std::string_view xml) {
  TRY_ASSIGN(pugi::xml_document doc,
             parseXmlDocument(xml, "secret", kSecretDocName, ErrorDomain::Secret));
  pugi::xml_node root = doc.document_element();

  SecretDef def;
  TRY_ASSIGN(def.isEphemeral, parseYesNo(root, "ephemeral", false));
  TRY_ASSIGN(def.isPrivate, parseYesNo(root, "private", false));

  if (auto text = xpathString(root, "uuid")) {
    auto uuid = Uuid::parse(stripAsciiSpace(*text));
    if (!uuid)
      return secretError(ErrorCode::InternalError, "malformed uuid element");
    def.uuid = *uuid;
  }

  def.description = xpathString(root, "description").value_or("");

  if (xpathNode(root, "usage"))
    TRY(parseUsage(root, def));
  return def;
}

Result<SecretDef> readSecretXml(std::string_view xml) {
  TRY_ASSIGN(SecretDef def, parseSecretXml(xml));
  TRY(validateSecret(def));
  return def;
}

std::string formatSecretXml(const SecretDef& def) {
  assert(def.uuid.has_value());
  XmlWriter w;
  w.open("secret", XmlAttrs()
                       .add("ephemeral", def.isEphemeral ? "yes" : "no")
                       .add("private", def.isPrivate ? "yes" : "no"));
  w.text("uuid", def.uuid ? def.uuid->str() : std::string());
  w.textIfSet("description", def.description);
  if (def.usageType != SecretUsageType::None) {
    w.open("usage", XmlAttrs().add("type", secretUsageTypeName(def.usageType)));
    if (const char* element = usageIdElement(def.usageType))
      w.text(element, def.usageId);
    w.close("usage");
  }
  w.close("secret");
  return w.take();
}

}  // namespace virtus::model
