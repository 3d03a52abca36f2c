#include "model/storage/storage_perms_xml.h"

#include <cstdio>

#include "model/xml/xml_reader.h"

namespace virtus::model {

namespace {
Error xmlError(std::string message) {
  return makeError(ErrorCode::XmlError, ErrorDomain::Storage, std::move(message));
}
}  // namespace

Result<StoragePerms> parseStoragePerms(pugi::xml_node node) {
  StoragePerms perms;
  if (!node) return perms;
  if (auto mode = childText(node, "mode")) {
    std::string text = *mode;
    bool octal = !text.empty() && text.find_first_not_of("01234567") == std::string::npos;
    auto value = octal ? parseUnsigned(text.size() > 1 && text[0] == '0' ? text : "0" + text, true)
                       : std::nullopt;
    if (!value || *value > 0777777) return xmlError("malformed octal mode");
    perms.mode = static_cast<std::uint32_t>(*value);
  }
  if (auto owner = childText(node, "owner")) {
    auto value = parseSigned(*owner);
    if (!value || *value < -1 || *value > 0xFFFFFFFFll) return xmlError("malformed owner element");
    if (*value != -1) perms.uid = *value;
  }
  if (auto group = childText(node, "group")) {
    auto value = parseSigned(*group);
    if (!value || *value < -1 || *value > 0xFFFFFFFFll) return xmlError("malformed group element");
    if (*value != -1) perms.gid = *value;
  }
  if (auto label = childText(node, "label")) perms.label = *label;
  return perms;
}

void formatStoragePerms(XmlWriter& w, const StoragePerms& perms) {
  if (!perms.mode && !perms.uid && !perms.gid && perms.label.empty()) return;
  w.open("permissions");
  if (perms.mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", *perms.mode);
    w.text("mode", buf);
  }
  if (perms.uid) w.text("owner", std::to_string(*perms.uid));
  if (perms.gid) w.text("group", std::to_string(*perms.gid));
  w.textIfSet("label", perms.label);
  w.close("permissions");
}

}  // namespace virtus::model
