#include "daemon/volume_network_source.h"

#include <charconv>

#include "model/storage/pool_type_name.h"

namespace virtus::daemon {

namespace {

Error unsupported(const model::PoolDef& pool, const model::VolDef& vol, const std::string& why) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                   "storage volume '" + vol.name + "' of pool '" + pool.name + "' (type '" +
                       std::string(model::poolTypeName(pool.type)) +
                       "') cannot back a disk: " + why + ".");
}

std::vector<model::DiskHost> hostsOf(const model::PoolDef& pool) {
  std::vector<model::DiskHost> hosts;
  for (const auto& h : pool.source.hosts) {
    model::DiskHost host;
    host.name = h.name;
    if (h.port && *h.port > 0)
      host.port = static_cast<unsigned>(*h.port);
    hosts.push_back(std::move(host));
  }
  return hosts;
}

std::optional<model::DiskAuth> authOf(const model::PoolDef& pool, const std::string& type) {
  if (!pool.source.auth || pool.source.auth->username.empty())
    return std::nullopt;
  model::DiskAuth auth;
  auth.username = pool.source.auth->username;
  auth.secret.type = type;
  auth.secret.uuid = pool.source.auth->secret.uuid;
  auth.secret.usage = pool.source.auth->secret.usage;
  return auth;
}

// "unit:0:0:N" → "N".
std::optional<std::string> lunOf(const std::string& volumeName) {
  auto colon = volumeName.rfind(':');
  std::string lun = volumeName.substr(colon == std::string::npos ? 0 : colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(lun.data(), lun.data() + lun.size(), value);
  if (lun.empty() || ec != std::errc() || end != lun.data() + lun.size())
    return std::nullopt;
  return lun;
}

// "/a/b/" → "a/b"; "/" → "".
std::string trimmedDir(const std::string& dir) {
  std::size_t begin = dir.find_first_not_of('/');
  if (begin == std::string::npos)
    return {};
  std::size_t end = dir.find_last_not_of('/');
  return dir.substr(begin, end - begin + 1);
}

}  // namespace

Result<model::StorageSource> networkSourceOfVolume(const model::PoolDef& pool,
                                                   const model::VolDef& vol) {
  model::StorageSource src;
  src.type = "network";
  src.format = vol.target.format;
  src.hosts = hostsOf(pool);
  switch (pool.type) {
    case model::PoolType::IscsiDirect: {
      if (pool.source.devices.empty() || pool.source.devices.front().path.empty())
        return unsupported(pool, vol, "the pool names no target");
      auto lun = lunOf(vol.name);
      if (!lun)
        return unsupported(pool, vol, "its name gives no LUN");
      src.protocol = "iscsi";
      src.name = pool.source.devices.front().path + "/" + *lun;
      src.initiatorIqn = pool.source.initiatorIqn;
      src.auth = authOf(pool, "iscsi");
      return src;
    }
    case model::PoolType::Rbd:
      src.protocol = "rbd";
      src.name = vol.target.path.empty() ? pool.source.name + "/" + vol.name : vol.target.path;
      src.auth = authOf(pool, "ceph");
      return src;
    case model::PoolType::Gluster: {
      src.protocol = "gluster";
      std::string dir = trimmedDir(pool.source.dir);
      src.name = pool.source.name + "/" + (dir.empty() ? "" : dir + "/") + vol.name;
      return src;
    }
    default:
      return unsupported(pool, vol, "QEMU cannot reach this storage by itself");
  }
}

}  // namespace virtus::daemon
