// pool-list: filters as virConnectListAllStoragePools flags, and virsh's three renderings
// (the Name/State/Autostart table, --details, --name/--uuid lines) plus --json.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/json_output.h"
#include "common/result.h"

namespace virtus::cli {

struct PoolListOptions {
  bool inactive = false, all = false, transient = false, persistent = false;
  bool autostart = false, noAutostart = false, details = false, uuid = false, name = false;
  bool json = false;
  std::optional<std::string> types;  // "dir,logical"
};

// virConnectListAllStoragePoolsFlags for the options; an unknown type in --type is
// VIR_ERR_INVALID_ARG "Invalid pool type 'x'".
Result<unsigned> poolListFlags(const PoolListOptions& options);

// The text virsh prints for these pools (already sorted). quiet drops table headers.
std::string renderPoolList(const std::vector<PoolSummary>& pools, const PoolListOptions& options,
                           bool quiet);

}  // namespace virtus::cli
