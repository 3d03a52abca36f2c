#include "storage/backends/fs/fs_commands.h"

#include <cassert>

namespace virtus::storage::fs {

namespace {
// libvirt's default options for pools mounted on Linux.
constexpr std::string_view kDefaultMountOpts = "nodev,nosuid,noexec";

Error internal(std::string message) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage, std::move(message));
}

Error unsupported(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage, std::move(message));
}

std::string mountOptions(const model::PoolDef& def, std::string_view typeOption) {
  std::string opts(kDefaultMountOpts);
  auto append = [&opts](std::string_view option) {
    if (option.empty())
      return;
    if (!opts.empty())
      opts += ',';
    opts += option;
  };
  append(typeOption);
  for (const std::string& option : def.mountOpts)
    append(option);
  return opts;
}
}  // namespace

Result<void> checkMountSource(const model::PoolDef& def) {
  if (def.type == model::PoolType::Netfs) {
    if (def.source.hosts.size() != 1) {
      return unsupported("expected exactly 1 host for the storage pool");
    }
    if (def.source.hosts[0].name.empty())
      return internal("missing source host");
    if (def.source.dir.empty())
      return internal("missing source path");
    return ok();
  }
  if (def.source.devices.empty())
    return internal("missing source device");
  if (def.source.devices.size() != 1) {
    return unsupported("expected exactly 1 device for the storage pool");
  }
  return ok();
}

std::string mountSource(const model::PoolDef& def) {
  if (def.type == model::PoolType::Netfs) {
    assert(!def.source.hosts.empty());
    const std::string& host = def.source.hosts[0].name;
    if (def.source.format == "cifs")
      return "//" + host + "/" + def.source.dir;
    return host + ":" + def.source.dir;
  }
  assert(!def.source.devices.empty());
  return def.source.devices[0].path;
}

os::Command buildMountCommand(const model::PoolDef& def) {
  assert(def.type == model::PoolType::Fs || def.type == model::PoolType::Netfs);
  const bool netfs = def.type == model::PoolType::Netfs;
  const std::string format = def.source.format.empty() ? "auto" : def.source.format;
  std::string nfsVers;
  if (def.source.protocolVer && *def.source.protocolVer > 0) {
    nfsVers = "nfsvers=" + std::to_string(*def.source.protocolVer);
  }

  os::Command cmd;
  cmd.program = "mount";
  std::string typeOption = nfsVers;
  if (netfs && format == "glusterfs")
    typeOption = "direct-io-mode=1";
  if (netfs && format == "cifs")
    typeOption = "guest";
  cmd.args = {"-o", mountOptions(def, typeOption)};
  // Plain `mount` recognises nfs and cifs sources where `mount -t auto` does not.
  if (!(netfs && format == "auto")) {
    cmd.args.push_back("-t");
    cmd.args.push_back(format);
  }
  cmd.args.push_back(mountSource(def));
  cmd.args.push_back(def.target.path);
  return cmd;
}

os::Command buildUmountCommand(const model::PoolDef& def) {
  os::Command cmd;
  cmd.program = "umount";
  cmd.args = {def.target.path};
  return cmd;
}

os::Command buildMkfsCommand(std::string_view format, const std::string& device) {
  os::Command cmd;
  cmd.program = "mkfs";
  cmd.args = {"-t", std::string(format)};
  if (format == "xfs")
    cmd.args.push_back("-f");
  else if (format == "ext2" || format == "ext3" || format == "ext4")
    cmd.args.push_back("-F");
  else if (format == "vfat")
    cmd.args.push_back("-I");
  cmd.args.push_back(device);
  return cmd;
}

}  // namespace virtus::storage::fs
