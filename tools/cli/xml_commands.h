// `virtus xml …`: the model's parse/format and command builders on local files, without a
// connection or root directory. For checking definitions and comparing with libvirt.
#pragma once

#include <string>

#include "common/result.h"

namespace virtus::cli {

// formatPoolXml(readPoolXml(text)).
Result<std::string> formatPoolText(std::string_view poolXml);
// formatVolXml of the volume, parsed in the pool.
Result<std::string> formatVolText(std::string_view poolXml, std::string_view volXml,
                                  bool noCapacity);
// The command that starts the pool (mount for fs/netfs, vgchange -aly for logical) as
// libvirt's test .argv files render it. Other types: VIR_ERR_OPERATION_UNSUPPORTED
// "storage pool type 'x' has no start command".
Result<std::string> poolStartArgvText(std::string_view poolXml);

}  // namespace virtus::cli
