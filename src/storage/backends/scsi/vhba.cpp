#include "storage/backends/scsi/vhba.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "storage/backends/scsi/sysfs_attr.h"

namespace virtus::storage::scsi {

namespace {

std::string fcHostDir(const std::string& sysRoot) {
  return sysRoot + "/class/fc_host";
}

// The hostN entries of a class directory, by number.
Result<std::vector<std::pair<unsigned, std::string>>> hostsIn(os::FileSystem& fs,
                                                              const std::string& dir) {
  TRY_ASSIGN(auto names, fs.listDirectory(dir));
  std::vector<std::pair<unsigned, std::string>> hosts;
  for (const std::string& name : names) {
    if (!name.starts_with("host"))
      continue;
    if (auto n = parseNumber<unsigned>(std::string_view(name).substr(4)))
      hosts.emplace_back(*n, name);
  }
  std::sort(hosts.begin(), hosts.end());
  return hosts;
}

// A WWN attribute without its "0x"; nullopt when the host has no such attribute.
Result<std::optional<std::string>> readWwn(os::FileSystem& fs, const std::string& path) {
  if (!fs.exists(path))
    return std::optional<std::string>();
  auto text = readAttr(fs, path);
  if (!text)
    return std::move(text).error();
  std::string_view value = *text;
  if (value.starts_with("0x"))
    value.remove_prefix(2);
  return std::optional<std::string>(value);
}

Result<bool> wwnMatches(os::FileSystem& fs, const std::string& path, const std::string& wwn) {
  TRY_ASSIGN(auto value, readWwn(fs, path));
  return value && *value == wwn;
}

// An optional decimal attribute (nullopt when missing or not a number: libvirt skips such a
// host instead of failing).
std::optional<unsigned long long> optionalNumber(os::FileSystem& fs, const std::string& path) {
  auto text = readAttr(fs, path);
  if (!text)
    return std::nullopt;
  return parseNumber<unsigned long long>(*text);
}

}  // namespace

Result<std::optional<std::string>> fcHostByWwn(os::FileSystem& fs, const std::string& sysRoot,
                                               const std::string& wwnn, const std::string& wwpn) {
  const std::string dir = fcHostDir(sysRoot);
  TRY_ASSIGN(auto hosts, hostsIn(fs, dir));
  for (const auto& [number, name] : hosts) {
    TRY_ASSIGN(bool node, wwnMatches(fs, dir + "/" + name + "/node_name", wwnn));
    if (!node)
      continue;
    TRY_ASSIGN(bool port, wwnMatches(fs, dir + "/" + name + "/port_name", wwpn));
    if (port)
      return std::optional<std::string>(name);
  }
  return std::optional<std::string>();
}

Result<std::optional<std::string>> fcHostByFabricWwn(os::FileSystem& fs, const std::string& sysRoot,
                                                     const std::string& fabricWwn) {
  const std::string dir = fcHostDir(sysRoot);
  TRY_ASSIGN(auto hosts, hostsIn(fs, dir));
  for (const auto& [number, name] : hosts) {
    // vHBAs share their parent's fabric but cannot create vports.
    if (!fs.exists(dir + "/" + name + "/vport_create"))
      continue;
    TRY_ASSIGN(bool fabric, wwnMatches(fs, dir + "/" + name + "/fabric_name", fabricWwn));
    if (fabric)
      return std::optional<std::string>(name);
  }
  return std::optional<std::string>();
}

Result<std::optional<std::string>> findVportHost(os::FileSystem& fs, const std::string& sysRoot) {
  const std::string dir = fcHostDir(sysRoot);
  TRY_ASSIGN(auto hosts, hostsIn(fs, dir));
  for (const auto& [number, name] : hosts) {
    const std::string host = dir + "/" + name;
    if (!isVportCapable(fs, sysRoot, number))
      continue;
    auto state = readAttr(fs, host + "/port_state");
    if (!state || *state != "Online")
      continue;
    auto max = optionalNumber(fs, host + "/max_npiv_vports");
    auto inUse = optionalNumber(fs, host + "/npiv_vports_inuse");
    if (max && inUse && *max > *inUse)
      return std::optional<std::string>(name);
  }
  return std::optional<std::string>();
}

bool fcHostExists(os::FileSystem& fs, const std::string& sysRoot, unsigned host) {
  return fs.exists(fcHostDir(sysRoot) + "/host" + std::to_string(host));
}

bool isVportCapable(os::FileSystem& fs, const std::string& sysRoot, unsigned host) {
  const std::string name = "/host" + std::to_string(host) + "/vport_create";
  return fs.exists(fcHostDir(sysRoot) + name) || fs.exists(sysRoot + "/class/scsi_host" + name);
}

Result<std::optional<unsigned>> vhbaParent(os::FileSystem& fs, const std::string& sysRoot,
                                           const std::string& vhbaHost) {
  const std::string dir = fcHostDir(sysRoot);
  TRY_ASSIGN(auto hosts, hostsIn(fs, dir));
  for (const auto& [number, name] : hosts) {
    if (name == vhbaHost)
      continue;
    // The parent's SCSI host device holds the vport, which holds the vHBA's host device.
    const std::string device = dir + "/" + name + "/device";
    auto entries = fs.listDirectory(device);
    if (!entries)
      continue;
    for (const std::string& entry : *entries) {
      if (entry.starts_with("vport-") && fs.exists(device + "/" + entry + "/" + vhbaHost))
        return std::optional<unsigned>(number);
    }
  }
  return std::optional<unsigned>();
}

Result<void> manageVport(os::FileSystem& fs, const std::string& sysRoot, unsigned parentHost,
                         const std::string& wwpn, const std::string& wwnn, VportOp op) {
  const std::string file = op == VportOp::Create ? "vport_create" : "vport_delete";
  const std::string host = "/host" + std::to_string(parentHost) + "/" + file;
  std::string path = fcHostDir(sysRoot) + host;
  if (!fs.exists(path)) {
    path = sysRoot + "/class/scsi_host" + host;
    if (!fs.exists(path))
      return makeError(
          ErrorCode::OperationInvalid, ErrorDomain::Storage,
          "vport operation '" + file + "' is not supported for host" + std::to_string(parentHost));
  }
  const std::string value = wwpn + ":" + wwnn;
  auto written = writeAttr(fs, path, value);
  if (!written)
    return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                     "Write of '" + value + "' to '" + path +
                         "' during vport create/delete failed: " + written.error().message);
  return ok();
}

}  // namespace virtus::storage::scsi
