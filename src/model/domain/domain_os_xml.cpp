#include "model/domain/domain_os_xml.h"

#include "model/domain/domain_xml_support.h"
#include "model/xml/xml_reader.h"

namespace virtus::model {

Result<void> parseOsXml(pugi::xml_node os, DomainDef& def) {
  if (!os)
    return domainError(ErrorCode::InternalError, "An os must be specified");
  TRY(checkNode(os, {}, {"type", "loader", "nvram", "kernel", "initrd", "cmdline", "boot"}));
  OsDef& o = def.os;
  pugi::xml_node type = os.child("type");
  auto typeName = xpathString(os, "type");
  if (!typeName)
    return domainError(ErrorCode::InternalError, "An os must be specified");
  if (*typeName != "hvm")
    return domainError(ErrorCode::ConfigUnsupported,
                       "os type '" + *typeName + "' is not supported by Virtus");
  TRY(checkNode(type, {"arch", "machine"}, {}));
  o.type = *typeName;
  o.arch = attrValue(type, "arch").value_or("");
  o.machine = attrValue(type, "machine").value_or("");
  if (pugi::xml_node loader = os.child("loader")) {
    TRY(checkNode(loader, {"readonly", "type"}, {}));
    TRY_ASSIGN(o.loaderReadonly, yesNoAttr(loader, "readonly"));
    TRY_ASSIGN(o.loaderType, enumAttr(loader, "type", {"rom", "pflash"}));
    o.loader = xpathString(os, "loader").value_or("");
  }
  if (pugi::xml_node nvram = os.child("nvram")) {
    TRY(checkNode(nvram, {}, {}));
    o.nvram = xpathString(os, "nvram").value_or("");
  }
  o.kernel = xpathString(os, "kernel").value_or("");
  o.initrd = xpathString(os, "initrd").value_or("");
  o.cmdline = xpathString(os, "cmdline").value_or("");
  for (pugi::xml_node boot : os.children("boot")) {
    TRY(checkNode(boot, {"dev"}, {}));
    auto dev = attrValue(boot, "dev");
    if (!dev)
      return domainError(ErrorCode::InternalError, "missing boot device");
    if (*dev != "fd" && *dev != "hd" && *dev != "cdrom" && *dev != "network")
      return domainError(ErrorCode::InternalError, "unknown boot device '" + *dev + "'");
    if (o.bootDevs.size() < 4)
      o.bootDevs.push_back(*dev);
  }
  return ok();
}

void formatOsXml(XmlWriter& w, const OsDef& o) {
  w.open("os");
  w.text("type", o.type, XmlAttrs().addNonEmpty("arch", o.arch).addNonEmpty("machine", o.machine));
  if (!o.loader.empty() || !o.loaderReadonly.empty() || !o.loaderType.empty()) {
    XmlAttrs attrs;
    attrs.addNonEmpty("readonly", o.loaderReadonly).addNonEmpty("type", o.loaderType);
    if (o.loader.empty())
      w.empty("loader", attrs);
    else
      w.text("loader", o.loader, attrs);
  }
  w.textIfSet("nvram", o.nvram);
  w.textIfSet("kernel", o.kernel);
  w.textIfSet("initrd", o.initrd);
  w.textIfSet("cmdline", o.cmdline);
  for (const std::string& dev : o.bootDevs)
    w.empty("boot", XmlAttrs().add("dev", dev));
  w.close("os");
}

Result<void> parseFeaturesXml(pugi::xml_node features, DomainDef& def) {
  if (!features)
    return ok();
  TRY(checkNode(features, {}, {"acpi", "apic", "pae"}));
  for (pugi::xml_node f : features.children()) {
    if (f.type() != pugi::node_element)
      continue;
    TRY(checkNode(f, {}, {}));
  }
  def.featureAcpi = static_cast<bool>(features.child("acpi"));
  def.featureApic = static_cast<bool>(features.child("apic"));
  def.featurePae = static_cast<bool>(features.child("pae"));
  return ok();
}

void formatFeaturesXml(XmlWriter& w, const DomainDef& def) {
  if (!def.featureAcpi && !def.featureApic && !def.featurePae)
    return;
  w.open("features");
  if (def.featureAcpi)
    w.empty("acpi");
  if (def.featureApic)
    w.empty("apic");
  if (def.featurePae)
    w.empty("pae");
  w.close("features");
}

Result<void> parseCpuXml(pugi::xml_node cpu, DomainDef& def) {
  if (!cpu)
    return ok();
  TRY(checkNode(cpu, {"mode", "match", "check", "migratable"}, {"model"}));
  CpuDef& c = def.cpu;
  TRY_ASSIGN(c.mode,
             enumAttr(cpu, "mode", {"custom", "host-model", "host-passthrough", "maximum"}));
  if (c.mode == "maximum")
    return domainError(ErrorCode::ConfigUnsupported,
                       "cpu mode 'maximum' is not supported by Virtus");
  if (c.mode.empty())
    c.mode = "custom";
  TRY_ASSIGN(c.match, enumAttr(cpu, "match", {"minimum", "exact", "strict"}));
  TRY_ASSIGN(c.check, enumAttr(cpu, "check", {"none", "partial", "full"}));
  TRY_ASSIGN(c.migratable, enumAttr(cpu, "migratable", {"on", "off"}));
  if (pugi::xml_node model = cpu.child("model")) {
    TRY(checkNode(model, {"fallback"}, {}));
    TRY_ASSIGN(c.fallback, enumAttr(model, "fallback", {"allow", "forbid"}));
    c.model = xpathString(cpu, "model").value_or("");
  }
  if (c.mode == "custom" && c.model.empty())
    return domainError(ErrorCode::ConfigUnsupported,
                       "cpu mode 'custom' without a <model> is not supported by Virtus");
  if (c.mode == "custom" && c.match.empty())
    c.match = "exact";
  return ok();
}

void formatCpuXml(XmlWriter& w, const CpuDef& c) {
  if (c.mode.empty())
    return;
  XmlAttrs attrs;
  attrs.add("mode", c.mode)
      .addNonEmpty("match", c.match)
      .addNonEmpty("check", c.check)
      .addNonEmpty("migratable", c.migratable);
  if (c.model.empty()) {
    w.empty("cpu", attrs);
    return;
  }
  w.open("cpu", attrs);
  w.text("model", c.model, XmlAttrs().addNonEmpty("fallback", c.fallback));
  w.close("cpu");
}

Result<void> parseClockXml(pugi::xml_node clock, DomainDef& def) {
  if (!clock)
    return ok();
  TRY(checkNode(clock, {"offset"}, {}));
  TRY_ASSIGN(std::string offset,
             enumAttr(clock, "offset", {"utc", "localtime", "variable", "timezone", "absolute"}));
  if (offset != "" && offset != "utc" && offset != "localtime")
    return domainError(ErrorCode::ConfigUnsupported,
                       "clock offset '" + offset + "' is not supported by Virtus");
  if (!offset.empty())
    def.clockOffset = offset;
  return ok();
}

void formatClockXml(XmlWriter& w, const DomainDef& def) {
  w.empty("clock", XmlAttrs().add("offset", def.clockOffset));
}

}  // namespace virtus::model
