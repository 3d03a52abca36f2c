#include "storage/backends/iscsi/iscsi_sources.h"

#include "model/xml/xml_reader.h"
#include "model/xml/xml_writer.h"

namespace virtus::storage::iscsi {

Result<model::PoolSource> parseSourceSpec(std::string_view xml) {
  if (xml.empty())
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "hostname must be specified for iscsi sources");
  TRY_ASSIGN(
      pugi::xml_document doc,
      model::parseXmlDocument(xml, "source", "storage_source_specification", ErrorDomain::Storage));
  pugi::xml_node root = doc.document_element();
  model::PoolSource source;
  for (pugi::xml_node host : root.children("host")) {
    auto name = model::attrValue(host, "name");
    if (!name)
      return makeError(ErrorCode::XmlError, ErrorDomain::Storage, "missing storage pool host name");
    TRY_ASSIGN(auto port, model::propInt(host, "port"));
    model::PoolSourceHost parsed;
    parsed.name = *name;
    if (port && *port != 0)
      parsed.port = *port;
    source.hosts.push_back(std::move(parsed));
  }
  source.initiatorIqn =
      model::xpathString(root.child("initiator").child("iqn"), "@name").value_or("");
  return source;
}

std::string formatSourceList(const model::PoolSource& spec,
                             const std::vector<std::string>& targets) {
  model::XmlWriter w;
  w.open("sources");
  for (const std::string& target : targets) {
    w.open("source");
    for (const model::PoolSourceHost& host : spec.hosts) {
      model::XmlAttrs attrs;
      attrs.add("name", host.name);
      if (host.port)
        attrs.add("port", std::to_string(*host.port));
      w.empty("host", attrs);
    }
    w.empty("device", model::XmlAttrs().add("path", target));
    if (!spec.initiatorIqn.empty()) {
      w.open("initiator");
      w.empty("iqn", model::XmlAttrs().add("name", spec.initiatorIqn));
      w.close("initiator");
    }
    w.close("source");
  }
  w.close("sources");
  return w.take();
}

Result<std::string> hostPortOf(const model::PoolSource& source) {
  if (source.hosts.size() != 1)
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "Expected exactly 1 host for the storage pool");
  const model::PoolSourceHost& host = source.hosts.front();
  if (host.name.empty())
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage, "missing source host");
  const int port = host.port && *host.port != 0 ? *host.port : kDefaultIscsiPort;
  if (host.name.find(':') != std::string::npos)
    return "[" + host.name + "]:" + std::to_string(port);
  return host.name + ":" + std::to_string(port);
}

}  // namespace virtus::storage::iscsi
