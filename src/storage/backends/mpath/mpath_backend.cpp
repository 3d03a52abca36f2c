#include "storage/backends/mpath/mpath_backend.h"

#include "os/command_runner.h"
#include "storage/backends/mpath/mpath_maps.h"
#include "storage/backends/scsi/scsi_commands.h"
#include "storage/block_node_info.h"

namespace virtus::storage {

StorageBackendPtr makeMpathBackend(const BackendContext& ctx) {
  return std::make_unique<mpath::MpathBackend>(ctx, HostRoots{});
}

namespace mpath {

MpathBackend::MpathBackend(const BackendContext& ctx, HostRoots roots)
    : ctx_(ctx), roots_(std::move(roots)) {}

Result<bool> MpathBackend::checkPool(const PoolRuntime&) {
  return ctx_.fs.exists(roots_.dev + "/mapper");
}

Result<void> MpathBackend::refreshPool(PoolRuntime& pool) {
  model::PoolDef& def = pool.def;
  def.capacity = def.allocation = def.available = 0;
  // Best effort, as libvirt's virWaitForDevices; only a missed deadline is an error.
  if (auto run = ctx_.commands.run(scsi::buildUdevSettle(ctx_.networkTimeout));
      !run && run.error().code == ErrorCode::OperationTimeout)
    return std::move(run).error();
  TRY_ASSIGN(auto maps, multipathMaps(ctx_.fs, roots_.sys));
  std::vector<model::VolDef> volumes;
  std::vector<std::pair<std::string, Error>> unreadable;
  for (const MultipathMap& map : maps) {
    model::VolDef vol;
    vol.type = model::VolType::Block;
    vol.name = "dm-" + std::to_string(map.minor);
    vol.target.path = "/dev/mapper/" + map.name;
    vol.key = vol.target.path;
    auto node = fillBlockNodeInfo(ctx_.fs, roots_.dev + "/mapper/" + map.name, vol);
    if (!node) {
      unreadable.emplace_back(vol.target.path, std::move(node).error());
      continue;
    }
    vol.capacity = vol.allocation = map.bytes();
    vol.hasCapacity = vol.hasAllocation = true;
    def.capacity += vol.capacity;
    def.allocation += vol.allocation;
    volumes.push_back(std::move(vol));
  }
  pool.volumes = std::move(volumes);
  pool.unreadable = std::move(unreadable);
  return ok();
}

}  // namespace mpath
}  // namespace virtus::storage
