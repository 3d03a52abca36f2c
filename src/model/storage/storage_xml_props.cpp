#include "model/storage/storage_xml_props.h"

namespace virtus::model {

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

Error storageXmlError(std::string message) {
  return storageError(ErrorCode::XmlError, std::move(message));
}

Result<TriState> propTristateBool(pugi::xml_node node, const char* attr) {
  auto text = attrValue(node, attr);
  if (!text)
    return TriState::Absent;
  if (*text == "yes")
    return TriState::Yes;
  if (*text == "no")
    return TriState::No;
  return invalidAttrValue(node, attr, *text);
}

std::string_view triStateName(TriState value) {
  switch (value) {
    case TriState::Yes:
      return "yes";
    case TriState::No:
      return "no";
    case TriState::Absent:
      break;
  }
  return "absent";
}

std::string sanitizePath(std::string_view path) {
  std::size_t scheme = path.find("://");
  if (scheme != std::string_view::npos && path.find('/') > scheme)
    return std::string(path);
  std::string out;
  std::size_t i = 0;
  if (path.size() >= 2 && path[0] == '/' && path[1] == '/' &&
      (path.size() == 2 || path[2] != '/')) {
    out = "//";
    i = 2;
  }
  while (i < path.size()) {
    if (path[i] != '/') {
      out += path[i++];
      continue;
    }
    while (i < path.size() && path[i] == '/')
      ++i;
    if (!out.empty() && i == path.size())
      break;
    out += '/';
  }
  return out;
}

}  // namespace virtus::model
