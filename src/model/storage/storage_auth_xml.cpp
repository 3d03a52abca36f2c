#include "model/storage/storage_auth_xml.h"

#include "model/storage/storage_xml_props.h"

namespace virtus::model {

Result<ParsedStorageAuth> parseStorageAuth(pugi::xml_node node) {
  ParsedStorageAuth parsed;
  auto username = xpathString(node, "@username");
  if (!username)
    return storageXmlError("missing username for auth");
  parsed.auth.username = *username;

  if (auto type = xpathString(node, "@type")) {
    if (*type != "chap" && *type != "ceph") {
      return storageError(ErrorCode::ConfigUnsupported, "unknown auth type '" + *type + "'");
    }
    parsed.auth.type = *type;
  }

  pugi::xml_node secret = node.child("secret");
  if (!secret)
    return storageXmlError("Missing <secret> element in auth");
  parsed.secretType = attrValue(secret, "type").value_or("");

  auto uuid = attrValue(secret, "uuid");
  auto usage = attrValue(secret, "usage");
  if (!uuid && !usage)
    return storageXmlError("missing secret uuid or usage attribute");
  if (uuid && usage)
    return storageXmlError("either secret uuid or usage expected");
  if (uuid) {
    auto parsedUuid = Uuid::parse(*uuid);
    if (!parsedUuid)
      return storageXmlError("invalid secret uuid '" + *uuid + "'");
    parsed.auth.secret.uuid = *parsedUuid;
  } else {
    parsed.auth.secret.usage = *usage;
  }
  return parsed;
}

void formatStorageAuth(XmlWriter& w, const StorageAuth& auth, const std::string& secretType) {
  XmlAttrs attrs;
  attrs.addNonEmpty("type", auth.type);
  attrs.add("username", auth.username);
  w.open("auth", attrs);
  XmlAttrs secret;
  secret.addNonEmpty("type", secretType);
  if (auth.secret.uuid) {
    secret.add("uuid", auth.secret.uuid->str());
  } else {
    secret.add("usage", auth.secret.usage);
  }
  w.empty("secret", secret);
  w.close("auth");
}

}  // namespace virtus::model
