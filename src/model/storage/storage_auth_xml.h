// <auth type='chap|ceph' username='...'><secret [type=] uuid=|usage=/></auth> as libvirt
// reads and writes it for pool sources (virStorageAuthDefParse / virStorageAuthDefFormat).
#pragma once

#include <pugixml.hpp>

#include <string>

#include "common/result.h"
#include "model/storage/storage_common.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

struct ParsedStorageAuth {
  StorageAuth auth;        // auth.type is "" when the element has no type attribute
  std::string secretType;  // <secret type=>, kept as written ("" when absent)
};

// `node` is the <auth> element. Errors as libvirt: "missing username for auth",
// "unknown auth type 'x'" (CONFIG_UNSUPPORTED), "Missing <secret> element in auth",
// "missing secret uuid or usage attribute", "either secret uuid or usage expected",
// "invalid secret uuid 'x'".
Result<ParsedStorageAuth> parseStorageAuth(pugi::xml_node node);

void formatStorageAuth(XmlWriter& w, const StorageAuth& auth, const std::string& secretType);

}  // namespace virtus::model
