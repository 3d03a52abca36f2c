#include "model/domain/domain_net_xml.h"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <cstdio>

#include "common/hex.h"
#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

namespace {

const std::initializer_list<std::string_view> kNetTypes = {
    "user",     "ethernet", "vhostuser", "server", "client", "mcast", "network", "bridge",
    "internal", "direct",   "hostdev",   "udp",    "vdpa",   "null",  "vds"};

std::string formatMac(const std::array<std::uint8_t, 6>& bytes) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]);
  return buf;
}

// libvirt accepts model names made of letters, digits and "_-,." (virDomainNetSetModelString).
bool validModelName(std::string_view model) {
  for (char c : model) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == ',' || c == '.';
    if (!ok)
      return false;
  }
  return true;
}

Result<void> parseSource(pugi::xml_node iface, NetDef& net) {
  pugi::xml_node source = iface.child("source");
  if (net.type == "user") {
    if (source)
      return unsupportedElement(source);
    return ok();
  }
  if (!source)
    return domainError(ErrorCode::XmlError,
                       "interface type='" + net.type + "' requires a 'source' element");
  const char* attr = net.type == "network" ? "network" : "bridge";
  TRY(checkNode(source, {attr}, {}));
  auto value = attrValue(source, attr);
  if (!value)
    return missingAttr(source, attr);
  (net.type == "network" ? net.sourceNetwork : net.sourceBridge) = *value;
  return ok();
}

}  // namespace

std::optional<std::string> normaliseMac(std::string_view text) {
  std::array<std::uint8_t, 6> bytes{};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    int digits = 0;
    unsigned value = 0;
    while (pos < text.size() && digits < 2 && hexDigitValue(text[pos]) >= 0) {
      value = value * 16 + static_cast<unsigned>(hexDigitValue(text[pos++]));
      ++digits;
    }
    if (digits == 0)
      return std::nullopt;
    bytes[i] = static_cast<std::uint8_t>(value);
    if (i + 1 < bytes.size()) {
      if (pos >= text.size() || text[pos] != ':')
        return std::nullopt;
      ++pos;
    }
  }
  if (pos != text.size())
    return std::nullopt;
  return formatMac(bytes);
}

std::string generateMac() {
  std::array<std::uint8_t, 6> bytes{0x52, 0x54, 0x00, 0, 0, 0};
  std::size_t got = 0;
  while (got < 3) {
    ssize_t n = getrandom(bytes.data() + 3 + got, 3 - got, 0);
    if (n > 0)
      got += static_cast<std::size_t>(n);
  }
  return formatMac(bytes);
}

Result<NetDef> parseNetXml(pugi::xml_node node) {
  TRY(checkAttrs(node, {"type"}));
  NetDef net;
  TRY_ASSIGN(std::string type, enumAttr(node, "type", kNetTypes));
  if (!type.empty())
    net.type = type;
  if (net.type != "user" && net.type != "network" && net.type != "bridge")
    return domainError(ErrorCode::ConfigUnsupported,
                       "interface type '" + net.type + "' is not supported by Virtus");
  TRY(checkChildren(node, {"mac", "source", "target", "model", "boot", "address"}));
  if (pugi::xml_node mac = node.child("mac")) {
    TRY(checkNode(mac, {"address"}, {}));
  }
  if (auto text = attrValue(node.child("mac"), "address")) {
    auto parsed = normaliseMac(*text);
    if (!parsed)
      return domainError(ErrorCode::XmlError, "unable to parse mac address '" + *text + "'");
    if (hexDigitValue((*parsed)[1]) & 1)
      return domainError(ErrorCode::XmlError,
                         "expected unicast mac address, found multicast '" + *text + "'");
    net.mac = *parsed;
  } else {
    net.mac = generateMac();
  }
  TRY(parseSource(node, net));
  if (pugi::xml_node target = node.child("target")) {
    TRY(checkNode(target, {"dev"}, {}));
    net.targetDev = attrValue(target, "dev");
    // Names the driver generates are live state: an inactive parse forgets them.
    for (std::string_view prefix : {"vnet", "macvtap", "macvlan"}) {
      if (net.targetDev && net.targetDev->starts_with(prefix))
        net.targetDev.reset();
    }
  }
  if (pugi::xml_node model = node.child("model")) {
    TRY(checkNode(model, {"type"}, {}));
    net.model = attrValue(model, "type").value_or("");
    if (!validModelName(net.model))
      return domainError(ErrorCode::InvalidArg, "Model name contains invalid characters");
  }
  TRY_ASSIGN(net.bootOrder, parseBootOrder(node));
  TRY_ASSIGN(net.address, parseDeviceAddress(node));
  return net;
}

void formatNetXml(XmlWriter& w, const NetDef& net) {
  w.open("interface", XmlAttrs().add("type", net.type));
  w.empty("mac", XmlAttrs().add("address", net.mac));
  if (net.type == "network")
    w.empty("source", XmlAttrs().add("network", net.sourceNetwork));
  else if (net.type == "bridge")
    w.empty("source", XmlAttrs().add("bridge", net.sourceBridge));
  if (net.targetDev)
    w.empty("target", XmlAttrs().add("dev", *net.targetDev));
  if (!net.model.empty())
    w.empty("model", XmlAttrs().add("type", net.model));
  if (net.bootOrder)
    w.empty("boot", XmlAttrs().add("order", std::to_string(*net.bootOrder)));
  formatDeviceAddress(w, net.address);
  w.close("interface");
}

}  // namespace virtus::model
