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
  if (pugi::xml_node modeNode = node.child("mode")) {
    // As virStrToLong_uip(…, 8): leading blanks allowed, nothing after the digits, and
    // only permission bits.
    std::string text = modeNode.child_value();
    std::size_t start = text.find_first_not_of(" \t\n\r");
    std::string digits = start == std::string::npos ? "" : text.substr(start);
    bool octal = !digits.empty() && digits.find_first_not_of("01234567") == std::string::npos;
    std::uint64_t value = octal ? std::stoull(digits.substr(0, 12), nullptr, 8) : 0;
    if (!octal || digits.size() > 12 || (value & ~0777ull) != 0) {
      return xmlError("malformed octal mode");
    }
    perms.mode = static_cast<std::uint32_t>(value);
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
    std::snprintf(buf, sizeof buf, "0%o", *perms.mode);  // libvirt: "00", "0644"
    w.text("mode", buf);
  }
  if (perms.uid) w.text("owner", std::to_string(static_cast<int>(*perms.uid)));  // "%d"
  if (perms.gid) w.text("group", std::to_string(static_cast<int>(*perms.gid)));
  w.textIfSet("label", perms.label);
  w.close("permissions");
}

}  // namespace virtus::model
