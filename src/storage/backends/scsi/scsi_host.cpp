#include "storage/backends/scsi/scsi_host.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "storage/backends/scsi/sysfs_attr.h"

namespace virtus::storage::scsi {

namespace {

// How far above a scsi_host class directory its PCI device may be (pci root / bridges /
// device / port / hostN / scsi_host / hostN): generous, and bounded.
constexpr int kMaxAncestors = 16;

bool sameFile(const os::FileStat& a, const os::FileStat& b) {
  return a.device == b.device && a.inode == b.inode;
}

// Whether `device` is an ancestor of the (link-resolved) directory `path`: "path/.." is
// resolved by the kernel after following the link, so it walks the real device tree.
bool isBelow(os::FileSystem& fs, std::string path, const os::FileStat& device) {
  for (int i = 0; i < kMaxAncestors; ++i) {
    path += "/..";
    auto st = fs.stat(path);
    if (!st)
      return false;
    if (sameFile(*st, device))
      return true;
  }
  return false;
}

}  // namespace

Result<unsigned> scsiHostNumber(std::string_view name) {
  std::string_view rest = name;
  for (std::string_view prefix : {"scsi_", "fc_", "vhba_"}) {
    if (rest.starts_with(prefix)) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  const auto invalid = [&] {
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "Invalid adapter name '" + std::string(name) + "' for SCSI pool");
  };
  if (!rest.starts_with("host"))
    return invalid();
  auto number = parseNumber<unsigned>(rest.substr(4));
  if (!number)
    return invalid();
  return *number;
}

std::string pciAddressText(const model::PciAddress& addr) {
  char text[32];
  std::snprintf(text, sizeof(text), "%04x:%02x:%02x.%01x", addr.domain, addr.bus, addr.slot,
                addr.function);
  return text;
}

Result<std::string> hostByParentAddr(os::FileSystem& fs, const std::string& sysRoot,
                                     const model::PciAddress& addr, unsigned uniqueId) {
  const std::string pci = pciAddressText(addr);
  const auto notFound = [&] {
    return makeError(ErrorCode::XmlError, ErrorDomain::Storage,
                     "Failed to find scsi_host using PCI '" + pci + "' and unique_id='" +
                         std::to_string(uniqueId) + "'");
  };
  auto device = fs.stat(sysRoot + "/bus/pci/devices/" + pci);
  if (!device)
    return notFound();
  const std::string classDir = sysRoot + "/class/scsi_host";
  TRY_ASSIGN(auto names, fs.listDirectory(classDir));
  std::vector<std::pair<unsigned, std::string>> hosts;
  for (const std::string& name : names) {
    if (auto n = name.starts_with("host") ? parseNumber<unsigned>(name.substr(4)) : std::nullopt)
      hosts.emplace_back(*n, name);
  }
  std::sort(hosts.begin(), hosts.end());
  for (const auto& [number, name] : hosts) {
    const std::string hostDir = classDir + "/" + name;
    if (!isBelow(fs, hostDir, *device))
      continue;
    if (!fs.exists(hostDir + "/unique_id"))
      continue;
    TRY_ASSIGN(unsigned id, readNumber<unsigned>(fs, hostDir + "/unique_id"));
    if (id == uniqueId)
      return name;
  }
  return notFound();
}

}  // namespace virtus::storage::scsi
