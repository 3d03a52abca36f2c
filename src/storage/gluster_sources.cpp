#include "storage/gluster_sources.h"

#include <pugixml.hpp>

#include "model/xml/xml_writer.h"

namespace virtus::storage::gluster {

namespace {

Error internalError(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage, std::move(message));
}

}  // namespace

Result<std::string> sourceSpecHost(std::string_view srcSpecXml) {
  if (srcSpecXml.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "hostname must be specified for gluster sources");
  }
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(srcSpecXml.data(), srcSpecXml.size());
  if (!parsed) {
    return makeError(ErrorCode::XmlError, ErrorDomain::Storage,
                     std::string("cannot parse the source specification: ") + parsed.description());
  }
  pugi::xml_node source = doc.document_element();
  if (std::string_view(source.name()) != "source") {
    return makeError(ErrorCode::XmlError, ErrorDomain::Storage,
                     "the source specification's root element is '" + std::string(source.name()) +
                         "', not 'source'");
  }
  std::vector<std::string> hosts;
  for (pugi::xml_node h : source.children("host"))
    hosts.emplace_back(h.attribute("name").value());
  if (hosts.size() != 1) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "Expected exactly 1 host for the storage pool");
  }
  if (hosts[0].empty()) {
    return makeError(ErrorCode::XmlError, ErrorDomain::Storage, "missing storage pool host name");
  }
  return hosts[0];
}

os::Command buildVolumeInfoCommand(const std::string& host) {
  os::Command cmd;
  cmd.program = "gluster";
  cmd.args = {"--xml", "--log-file=/dev/null", "volume", "info", "all", "--remote-host=" + host};
  return cmd;
}

Result<std::vector<std::string>> parseVolumeInfoNames(std::string_view xml) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(xml.data(), xml.size());
  pugi::xml_node root = doc.child("cliOutput");
  if (!parsed || !root) {
    return internalError("cannot parse the gluster volume information: " +
                         std::string(parsed ? "no <cliOutput> element" : parsed.description()));
  }
  if (pugi::xml_node ret = root.child("opRet"); ret && ret.text().as_int() != 0) {
    return internalError("gluster failed to list its volumes: " +
                         std::string(root.child_value("opErrstr")));
  }
  std::vector<std::string> names;
  for (pugi::xml_node vol : root.child("volInfo").child("volumes").children("volume")) {
    std::string name = vol.child_value("name");
    if (name.empty())
      return internalError("failed to extract gluster volume name");
    names.push_back(std::move(name));
  }
  return names;
}

std::string formatGlusterSources(const std::string& host, const std::vector<std::string>& volumes) {
  model::XmlWriter w;
  w.open("sources");
  for (const auto& vol : volumes) {
    w.open("source");
    w.empty("host", model::XmlAttrs().add("name", host));
    w.empty("dir", model::XmlAttrs().add("path", "/"));
    w.text("name", vol);
    w.close("source");
  }
  w.close("sources");
  return w.take();
}

}  // namespace virtus::storage::gluster
