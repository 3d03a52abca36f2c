#include "model/storage/storage_perms_xml.h"

#include <cstdio>

#include "model/storage/storage_xml_props.h"

namespace virtus::model {

namespace {
// <owner> / <group>: a number that fits uid_t / gid_t; -1 (or no element) leaves it unset.
Result<void> parseId(pugi::xml_node node, const char* child, std::optional<std::int64_t>& out) {
  auto text = childText(node, child);
  if (!text)
    return ok();
  auto value = parseSigned(*text);
  if (!value || *value < -1 || *value > 0xFFFFFFFFll) {
    return storageXmlError("malformed " + std::string(child) + " element");
  }
  if (*value != -1)
    out = *value;
  return ok();
}
}  // namespace

Result<StoragePerms> parseStoragePerms(pugi::xml_node node) {
  StoragePerms perms;
  if (!node)
    return perms;
  if (pugi::xml_node modeNode = node.child("mode")) {
    // As virStrToLong_uip(…, 8): leading blanks allowed, nothing after the digits, and
    // only permission bits.
    std::string text = modeNode.child_value();
    std::size_t start = text.find_first_not_of(" \t\n\r");
    std::string digits = start == std::string::npos ? "" : text.substr(start);
    bool octal = !digits.empty() && digits.find_first_not_of("01234567") == std::string::npos;
    std::uint64_t value = octal ? std::stoull(digits.substr(0, 12), nullptr, 8) : 0;
    if (!octal || digits.size() > 12 || (value & ~0777ull) != 0) {
      return storageXmlError("malformed octal mode");
    }
    perms.mode = static_cast<std::uint32_t>(value);
  }
  TRY(parseId(node, "owner", perms.uid));
  TRY(parseId(node, "group", perms.gid));
  if (auto label = childText(node, "label"))
    perms.label = *label;
  return perms;
}

void formatStoragePerms(XmlWriter& w, const StoragePerms& perms) {
  if (!perms.mode && !perms.uid && !perms.gid && perms.label.empty())
    return;
  w.open("permissions");
  if (perms.mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0%o", *perms.mode);  // libvirt: "00", "0644"
    w.text("mode", buf);
  }
  if (perms.uid)
    w.text("owner", std::to_string(static_cast<int>(*perms.uid)));  // "%d"
  if (perms.gid)
    w.text("group", std::to_string(static_cast<int>(*perms.gid)));
  w.textIfSet("label", perms.label);
  w.close("permissions");
}

}  // namespace virtus::model
