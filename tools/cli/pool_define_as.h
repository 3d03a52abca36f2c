// pool-define-as / pool-create-as: a pool definition from command-line arguments, built
// as virsh 9.0 builds it (same elements, same order, same omissions), so that
// `--print-xml` output matches virsh's.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace CLI {
class App;
}

namespace virtus::cli {

class CliContext;

struct PoolAsArgs {
  std::string name;
  std::string type;
  std::optional<std::string> sourceHost, sourcePath, sourceDev, sourceName, target;
  std::optional<std::string> sourceFormat, authType, authUsername, secretUsage, secretUuid;
  std::optional<std::string> adapterName, adapterWwnn, adapterWwpn, adapterParent;
  std::optional<std::string> adapterParentWwnn, adapterParentWwpn, adapterParentFabricWwn;
  std::optional<std::string> sourceProtocolVer, sourceInitiator;
};

// The XML text virsh would send. --secret-usage with --secret-uuid is an error
// (VIR_ERR_INVALID_ARG, "Options --secret-usage and --secret-uuid are mutually exclusive").
// Values are inserted as given, without escaping, exactly like virsh.
Result<std::string> buildPoolXml(const PoolAsArgs& args);

void addPoolDefineAsCommands(CLI::App& app, CliContext& ctx);

}  // namespace virtus::cli
