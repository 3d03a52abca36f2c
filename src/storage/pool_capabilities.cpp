#include "storage/pool_capabilities.h"

#include "model/storage/pool_type_name.h"
#include "model/storage/pool_type_traits.h"
#include "model/storage/vol_format_names.h"
#include "model/xml/xml_writer.h"

namespace virtus::storage {

namespace {

void formatChoices(model::XmlWriter& out, std::string_view element, std::string_view enumName,
                   const FormatChoices& choices) {
  out.open(element);
  out.empty("defaultFormat", model::XmlAttrs().add("type", choices.defaultFormat));
  // An enum without values still gets its own open and close lines (libvirt's rbd).
  out.open("enum", model::XmlAttrs().add("name", enumName));
  for (std::string_view value : choices.values)
    out.text("value", value);
  out.close("enum");
  out.close(element);
}

}  // namespace

std::string formatPoolCapabilities(std::span<const PoolTypeCapability> pools) {
  model::XmlWriter out;
  out.open("storagepoolCapabilities");
  for (const auto& pool : pools) {
    out.open(
        "pool",
        model::XmlAttrs().add("type", pool.type).add("supported", pool.supported ? "yes" : "no"));
    if (pool.poolOptions)
      formatChoices(out, "poolOptions", "sourceFormatType", *pool.poolOptions);
    if (pool.volOptions)
      formatChoices(out, "volOptions", "targetFormatType", *pool.volOptions);
    if (pool.operations) {
      out.open("operations");
      for (std::string_view name : *pool.operations)
        out.text("value", name);
      out.close("operations");
    }
    out.close("pool");
  }
  out.close("storagepoolCapabilities");
  return out.take();
}

std::vector<std::string_view> operationNames(const BackendFeatures& f) {
  const std::pair<bool, std::string_view> all[] = {
      {f.buildPool, "build"},
      {f.startPool, "start"},
      {true, "refresh"},
      {f.stopPool, "destroy"},
      {f.deletePool, "delete"},
      {f.findPoolSources, "find-sources"},
      {f.buildVol, "vol-create"},
      {f.buildVolFrom, "vol-create-from"},
      {f.lookupVol, "vol-lookup"},
      {f.deleteVol, "vol-delete"},
      {f.resizeVol, "vol-resize"},
      {f.uploadVol, "vol-upload"},
      {f.downloadVol, "vol-download"},
      {f.wipeVol, "vol-wipe"},
  };
  std::vector<std::string_view> names;
  for (const auto& [has, name] : all) {
    if (has)
      names.push_back(name);
  }
  return names;
}

std::vector<PoolTypeCapability> describePoolTypes(
    const std::function<bool(model::PoolType)>& supported) {
  std::vector<PoolTypeCapability> out;
  out.reserve(model::kPoolTypeCount);
  for (int i = 0; i < model::kPoolTypeCount; ++i) {
    auto type = static_cast<model::PoolType>(i);
    PoolTypeCapability cap;
    cap.type = model::poolTypeName(type);
    cap.supported = supported(type);
    const auto& traits = model::poolTypeTraits(type);
    if (!traits.sourceFormats.empty())
      cap.poolOptions = FormatChoices{traits.defaultSourceFormat, traits.sourceFormats};
    if (auto vol = model::volFormatOptions(type))
      cap.volOptions = FormatChoices{vol->defaultFormat, vol->advertised};
    out.push_back(std::move(cap));
  }
  return out;
}

}  // namespace virtus::storage
