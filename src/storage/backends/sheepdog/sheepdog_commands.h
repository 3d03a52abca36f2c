// The `dog` command lines of the sheepdog backend and parsers of their raw (-r) output, as
// libvirt's storage_backend_sheepdog.c (removed in libvirt 8.8) ran and read them. Pure
// functions: the backend runs them through its CommandRunner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/command.h"

namespace virtus::storage::sheepdog {

// dog node info -r -a HOST -p PORT (capacity and use of the cluster).
os::Command buildNodeInfo(const model::PoolDef& def);
// dog vdi list -r -a HOST -p PORT (every VDI), or with a name, only that one's lines.
os::Command buildVdiList(const model::PoolDef& def, const std::string& name = {});
// dog vdi create NAME SIZE -a HOST -p PORT
os::Command buildVdiCreate(const model::PoolDef& def, const std::string& name,
                           std::uint64_t capacity);
// dog vdi delete NAME -a HOST -p PORT
os::Command buildVdiDelete(const model::PoolDef& def, const std::string& name);
// dog vdi resize NAME SIZE -a HOST -p PORT
os::Command buildVdiResize(const model::PoolDef& def, const std::string& name,
                           std::uint64_t capacity);

struct NodeTotals {
  std::uint64_t capacity = 0;
  std::uint64_t used = 0;
};

// The "Total SIZE USED USE% [VDI SIZE]" line of `dog node info -r`.
// VIR_ERR_INTERNAL_ERROR when there is none or its numbers are not numbers.
Result<NodeTotals> parseNodeInfo(std::string_view output);

struct Vdi {
  std::string name;
  std::uint64_t id = 0;
  std::uint64_t size = 0;  // virtual size
  std::uint64_t used = 0;  // bytes allocated to the VDI itself
};

// The current VDIs ('=' lines; snapshots 's' and clones 'c' are not volumes) of
// `dog vdi list -r`, whose fields are: kind, name (spaces and backslashes escaped with a
// backslash), id, size, used, shared, creation time, vdi id, [tag].
// VIR_ERR_INTERNAL_ERROR, quoting the line, for a line that does not read so.
Result<std::vector<Vdi>> parseVdiList(std::string_view output);

}  // namespace virtus::storage::sheepdog
