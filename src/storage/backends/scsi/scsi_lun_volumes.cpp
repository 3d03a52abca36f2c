#include "storage/backends/scsi/scsi_lun_volumes.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "storage/backends/scsi/scsi_commands.h"
#include "storage/block_node_info.h"

namespace virtus::storage::scsi {

namespace {

constexpr std::string_view kDev = "/dev";

using DeviceId = std::pair<std::uint64_t, std::uint64_t>;  // (st_dev, st_ino)

bool isDevItself(std::string_view path) {
  return path == "/dev" || path == "/dev/";
}

std::string stripTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

// The entries of the (stable) target directory by the device node each leads to; the first
// name in sorted order wins where several lead to one device (/dev/disk/by-id).
Result<std::map<DeviceId, std::string>> indexTargetDir(os::FileSystem& fs,
                                                       const std::string& hostDir) {
  TRY_ASSIGN(os::DirectoryPtr dir, fs.openDirectory(hostDir));
  TRY_ASSIGN(auto names, dir->list());
  std::sort(names.begin(), names.end());
  std::map<DeviceId, std::string> index;
  for (const std::string& name : names) {
    auto st = dir->statAt(name);  // follows the link; a dangling one leads nowhere
    if (!st)
      continue;
    index.emplace(DeviceId{st->device, st->inode}, name);
  }
  return index;
}

// libvirt's virStorageFileGetSCSIKey: the serial scsi_id prints, or the path when it prints
// none or fails. Only a missed deadline is an error: the refresh must not hang.
Result<std::string> scsiKey(os::CommandRunner& commands, const std::string& path,
                            std::chrono::milliseconds timeout) {
  auto run = commands.run(buildScsiId(path, timeout));
  if (!run) {
    if (run.error().code == ErrorCode::OperationTimeout)
      return std::move(run).error();
    return path;
  }
  if (run->exitStatus != 0)
    return path;
  std::string key = run->out.substr(0, run->out.find('\n'));
  if (key.empty())
    return path;
  return key;
}

}  // namespace

Result<std::vector<model::VolDef>> lunVolumes(const LunHost& host, const std::string& targetPath,
                                              const std::vector<ScsiLun>& luns) {
  std::vector<model::VolDef> volumes;
  if (luns.empty())
    return volumes;
  const std::string target =
      targetPath.empty() ? std::string(kDefaultTargetPath) : stripTrailingSlash(targetPath);
  const bool devItself = isDevItself(target);
  if (!devItself && !target.starts_with("/dev/"))
    return makeError(
        ErrorCode::InvalidArg, ErrorDomain::Storage,
        "unable to use target path '" + target + "' for dev '" + luns.front().blockDevice + "'");
  std::map<DeviceId, std::string> stableNames;
  if (!devItself) {
    TRY_ASSIGN(stableNames, indexTargetDir(host.fs, host.devRoot + target.substr(kDev.size())));
  }

  for (const ScsiLun& lun : luns) {
    auto node = host.fs.stat(host.devRoot + "/" + lun.blockDevice);
    if (!node)
      continue;  // no device node (yet): libvirt skips a LUN it cannot open
    model::VolDef vol;
    if (devItself) {
      vol.target.path = std::string(kDev) + "/" + lun.blockDevice;
    } else {
      auto it = stableNames.find(DeviceId{node->device, node->inode});
      if (it == stableNames.end())
        continue;  // no stable path yet
      vol.target.path = target + "/" + it->second;
    }
    vol.type = model::VolType::Block;
    vol.name = "unit:" + std::to_string(lun.bus) + ":" + std::to_string(lun.target) + ":" +
               std::to_string(lun.lun);
    vol.capacity = lun.bytes();
    vol.hasCapacity = true;
    vol.allocation = lun.bytes();
    vol.hasAllocation = true;
    TRY(fillBlockNodeInfo(host.fs, host.devRoot + "/" + lun.blockDevice, vol));
    TRY_ASSIGN(vol.key, scsiKey(host.commands, vol.target.path, host.timeout));
    volumes.push_back(std::move(vol));
  }
  return volumes;
}

Result<void> refreshFromScsiHost(const LunHost& host, const std::string& sysRoot, unsigned scsiHost,
                                 PoolRuntime& pool) {
  TRY_ASSIGN(auto luns, hostLuns(host.fs, sysRoot, scsiHost));
  TRY_ASSIGN(auto volumes, lunVolumes(host, pool.def.target.path, luns));
  for (const model::VolDef& vol : volumes) {
    pool.def.capacity += vol.capacity;
    pool.def.allocation += vol.allocation;
  }
  pool.volumes = std::move(volumes);
  pool.unreadable.clear();
  return ok();
}

}  // namespace virtus::storage::scsi
