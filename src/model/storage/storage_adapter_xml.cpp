#include "model/storage/storage_adapter_xml.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "model/storage/storage_xml_props.h"

namespace virtus::model {

namespace {
std::string hex(unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", value);
  return buf;
}

Result<PciAddress> parsePciAddress(pugi::xml_node node) {
  PciAddress addr;
  TRY_ASSIGN(auto domain, propUInt(node, "domain", 0));
  TRY_ASSIGN(auto bus, propUInt(node, "bus", 0));
  TRY_ASSIGN(auto slot, propUInt(node, "slot", 0));
  TRY_ASSIGN(auto function, propUInt(node, "function", 0));
  addr.domain = domain.value_or(0);
  addr.bus = bus.value_or(0);
  addr.slot = slot.value_or(0);
  addr.function = function.value_or(0);
  // libvirt checks the ranges only when domain, bus or slot is set; the domain itself is
  // unbounded (VMD domains exceed 0xFFFF).
  bool empty = addr.domain == 0 && addr.bus == 0 && addr.slot == 0;
  if (!empty) {
    if (addr.bus > 0xFF) {
      return makeError(ErrorCode::XmlError, ErrorDomain::None,
                       "Invalid PCI address bus='" + hex(addr.bus) + "', must be <= 0xFF");
    }
    if (addr.slot > 0x1F) {
      return makeError(ErrorCode::XmlError, ErrorDomain::None,
                       "Invalid PCI address slot='" + hex(addr.slot) + "', must be <= 0x1F");
    }
    if (addr.function > 7) {
      return makeError(ErrorCode::XmlError, ErrorDomain::None,
                       "Invalid PCI address function=" + hex(addr.function) + ", must be <= 7");
    }
  }
  return addr;
}

Result<void> parseScsiHost(pugi::xml_node node, StorageAdapter& adapter) {
  adapter.name = attrValue(node, "name").value_or("");
  pugi::xml_node parentaddr = node.child("parentaddr");
  if (!parentaddr)
    return ok();
  pugi::xml_node address = parentaddr.child("address");
  if (!address)
    return storageXmlError("Missing scsi_host PCI address element");
  adapter.hasParentAddr = true;
  TRY_ASSIGN(adapter.parentAddr, parsePciAddress(address));
  auto uniqueId = xpathString(parentaddr, "@unique_id");
  char* end = nullptr;
  long value = uniqueId ? std::strtol(uniqueId->c_str(), &end, 10) : -1;
  if (!uniqueId || *end != '\0' || value < 0 || value > 0x7fffffff) {
    return storageXmlError("Missing or invalid scsi adapter 'unique_id' value");
  }
  adapter.uniqueId = static_cast<std::uint32_t>(value);
  return ok();
}

Result<void> parseFcHost(pugi::xml_node node, StorageAdapter& adapter) {
  TRY_ASSIGN(adapter.managed, propTristateBool(node, "managed"));
  adapter.parent = attrValue(node, "parent").value_or("");
  adapter.parentWwnn = attrValue(node, "parent_wwnn").value_or("");
  adapter.parentWwpn = attrValue(node, "parent_wwpn").value_or("");
  adapter.parentFabricWwn = attrValue(node, "parent_fabric_wwn").value_or("");
  adapter.wwpn = attrValue(node, "wwpn").value_or("");
  adapter.wwnn = attrValue(node, "wwnn").value_or("");
  return ok();
}

Result<void> checkWwn(const std::string& wwn) {
  if (!isValidWwn(wwn)) {
    return makeError(ErrorCode::InternalError, ErrorDomain::None, "Malformed wwn: " + wwn);
  }
  return ok();
}
}  // namespace

bool isValidWwn(std::string_view wwn) {
  if (wwn.substr(0, 2) == "0x")
    wwn.remove_prefix(2);
  if (wwn.size() != 16)
    return false;
  for (char c : wwn) {
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

Result<StorageAdapter> parseStorageAdapter(pugi::xml_node node) {
  StorageAdapter adapter;
  auto type = attrValue(node, "type");
  if (!type) {
    // The form from before the type attribute: a scsi_host name alone.
    if (node.attribute("wwnn") || node.attribute("wwpn") || node.attribute("parent")) {
      return storageXmlError(
          "Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'");
    }
    if (node.child("parentaddr")) {
      return storageXmlError("Use of 'parentaddr' element requires use of the adapter 'type'");
    }
    if (auto name = attrValue(node, "name")) {
      adapter.type = StorageAdapter::Type::ScsiHost;
      adapter.name = *name;
    }
    return adapter;
  }
  if (*type == "scsi_host") {
    adapter.type = StorageAdapter::Type::ScsiHost;
    TRY(parseScsiHost(node, adapter));
  } else if (*type == "fc_host") {
    adapter.type = StorageAdapter::Type::FcHost;
    TRY(parseFcHost(node, adapter));
  } else {
    return invalidAttrValue(node, "type", *type);
  }
  return adapter;
}

Result<void> validateStorageAdapter(const StorageAdapter& adapter) {
  switch (adapter.type) {
    case StorageAdapter::Type::None:
      return storageXmlError("missing storage pool source adapter");
    case StorageAdapter::Type::FcHost:
      if (adapter.wwnn.empty() || adapter.wwpn.empty()) {
        return storageXmlError("'wwnn' and 'wwpn' must be specified for adapter type 'fchost'");
      }
      TRY(checkWwn(adapter.wwnn));
      TRY(checkWwn(adapter.wwpn));
      if (!adapter.parentWwnn.empty() && adapter.parentWwpn.empty()) {
        return storageXmlError("when providing parent_wwnn='" + adapter.parentWwnn +
                               "', the parent_wwpn must also be provided");
      }
      if (adapter.parentWwnn.empty() && !adapter.parentWwpn.empty()) {
        return storageXmlError("when providing parent_wwpn='" + adapter.parentWwpn +
                               "', the parent_wwnn must also be provided");
      }
      if (!adapter.parentWwnn.empty())
        TRY(checkWwn(adapter.parentWwnn));
      if (!adapter.parentWwpn.empty())
        TRY(checkWwn(adapter.parentWwpn));
      if (!adapter.parentFabricWwn.empty())
        TRY(checkWwn(adapter.parentFabricWwn));
      return ok();
    case StorageAdapter::Type::ScsiHost:
      if (adapter.name.empty() && !adapter.hasParentAddr) {
        return storageXmlError(
            "Either 'name' or 'parent' must be specified for the 'scsi_host' adapter");
      }
      if (!adapter.name.empty() && adapter.hasParentAddr) {
        return storageXmlError(
            "Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter");
      }
      return ok();
  }
  return ok();
}

void formatStorageAdapter(XmlWriter& w, const StorageAdapter& adapter) {
  if (adapter.type == StorageAdapter::Type::FcHost) {
    XmlAttrs attrs;
    attrs.add("type", "fc_host");
    attrs.addNonEmpty("parent", adapter.parent);
    attrs.addNonEmpty("parent_wwnn", adapter.parentWwnn);
    attrs.addNonEmpty("parent_wwpn", adapter.parentWwpn);
    attrs.addNonEmpty("parent_fabric_wwn", adapter.parentFabricWwn);
    attrs.addIf(adapter.managed != TriState::Absent, "managed", triStateName(adapter.managed));
    attrs.add("wwnn", adapter.wwnn);
    attrs.add("wwpn", adapter.wwpn);
    w.empty("adapter", attrs);
    return;
  }
  if (adapter.type != StorageAdapter::Type::ScsiHost)
    return;
  if (!adapter.name.empty()) {
    w.empty("adapter", XmlAttrs().add("type", "scsi_host").add("name", adapter.name));
    return;
  }
  w.open("adapter", XmlAttrs().add("type", "scsi_host"));
  w.open("parentaddr", XmlAttrs().add("unique_id", std::to_string(adapter.uniqueId.value_or(0))));
  char domain[16], bus[16], slot[16], function[16];
  std::snprintf(domain, sizeof domain, "0x%04x", adapter.parentAddr.domain);
  std::snprintf(bus, sizeof bus, "0x%02x", adapter.parentAddr.bus);
  std::snprintf(slot, sizeof slot, "0x%02x", adapter.parentAddr.slot);
  std::snprintf(function, sizeof function, "0x%x", adapter.parentAddr.function);
  w.empty(
      "address",
      XmlAttrs().add("domain", domain).add("bus", bus).add("slot", slot).add("function", function));
  w.close("parentaddr");
  w.close("adapter");
}

}  // namespace virtus::model
