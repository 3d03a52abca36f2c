#include "storage/storage_xml.h"

#include "model/storage/pool_xml.h"
#include "model/storage/vol_xml.h"
#include "model/xml/xml_reader.h"

namespace virtus::storage {
namespace {

// libvirt validates inside virXMLParse: after the document parsed and its root element
// matched, before the definition is read. Parsing first here keeps its errors (malformed
// XML, wrong root) ahead of schema errors; the schema is compiled per call, as libvirt does.
Result<void> checkSchema(std::string_view xml, std::string_view root, std::string_view docName,
                         std::string_view schema, std::string_view schemaDir) {
  TRY(model::parseXmlDocument(xml, root, docName, ErrorDomain::Storage));
  return model::validateAgainstSchema(xml, schema, schemaDir);
}

}  // namespace

Result<model::PoolDef> parsePoolDefinition(std::string_view xml, bool validateSchema,
                                           std::string_view schemaDir) {
  if (validateSchema) {
    TRY(checkSchema(xml, "pool", "storage_pool_definition", kPoolSchema, schemaDir));
  }
  return model::readPoolXml(xml);
}

std::string formatPoolDefinition(const model::PoolDef& def) {
  return model::formatPoolXml(def);
}

Result<model::VolDef> parseVolDefinition(const model::PoolDef& pool, std::string_view xml,
                                         VolCapacity capacity, bool validateSchema,
                                         std::string_view schemaDir) {
  if (validateSchema) {
    TRY(checkSchema(xml, "volume", "storage_volume_definition", kVolSchema, schemaDir));
  }
  model::VolParseFlags flags{};
  flags.noCapacity = capacity == VolCapacity::Optional;
  flags.optCapacity = capacity == VolCapacity::RequiredUnlessBacking;
  return model::parseVolXml(pool, xml, flags);
}

std::string formatVolDefinition(const model::PoolDef& pool, const model::VolDef& vol) {
  return model::formatVolXml(pool, vol);
}

}  // namespace virtus::storage
