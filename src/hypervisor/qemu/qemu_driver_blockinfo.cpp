// domblkinfo and domblkstat for the QEMU driver: a disk's sizes from its image (header probe
// and stat, as libvirt's qemuDomainGetBlockInfo reports them for local images) and a running
// disk's I/O counters from QEMU (query-blockstats).
#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_disk.h"
#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qemu_driver_support.h"
#include "storage/formats/image_probe.h"

namespace virtus::qemu {

using driver::DomainHandle;
using nlohmann::json;

namespace {

// virDomainDiskByName: a disk named by its target or by its source's path.
const model::DiskDef* diskByName(const model::DomainDef& def, std::string_view name) {
  for (const auto& disk : def.disks)
    if (disk.targetDev == name)
      return &disk;
  for (const auto& disk : def.disks)
    if (!disk.src.path.empty() && disk.src.path == name)
      return &disk;
  return nullptr;
}

Error notAssigned(std::string_view name) {
  return qemuError(ErrorCode::InvalidArg,
                   "invalid path " + std::string(name) + " not assigned to domain");
}

}  // namespace

Result<driver::BlockInfo> QemuDomainDriver::blockInfo(const DomainHandle& dom,
                                                      std::string_view name) {
  model::DiskDef disk;
  {
    std::lock_guard lock(mutex_);
    TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
    const model::DiskDef* found = diskByName(obj->def, name);
    if (!found)
      return notAssigned(name);
    disk = *found;
  }
  if (disk.src.isEmpty())
    return qemuError(ErrorCode::OperationInvalid,
                     "disk '" + disk.targetDev + "' does not currently have a source assigned");
  TRY(resolveVolume(disk));
  if (disk.src.type != "file" && disk.src.type != "block")
    return qemuError(ErrorCode::OperationUnsupported, "the sizes of disk '" + disk.targetDev +
                                                          "' of type '" + disk.src.type +
                                                          "' are not available");
  TRY_ASSIGN(os::FilePtr file, fs_.open(disk.src.path, os::OpenMode::Read));
  TRY_ASSIGN(os::FileStat st, file->stat());
  auto read = [&](std::uint64_t offset, std::span<char> buf) { return file->readAt(offset, buf); };
  TRY_ASSIGN(formats::ImageInfo image, formats::probeImage(st.size, read, disk.src.path));
  driver::BlockInfo info;
  info.physical = st.size;
  // A block device is allocated to its end; a file as far as the filesystem says.
  info.allocation = st.isBlockDevice ? st.size : st.allocated;
  // The format the definition gives wins over the header (a raw disk holding a qcow2 image
  // is that big).
  const bool raw = disk.src.format == "raw" ||
                   (disk.src.format.empty() && image.format == formats::ImageFormat::Raw);
  info.capacity = raw ? st.size : image.virtualSize;
  return info;
}

Result<driver::BlockStats> QemuDomainDriver::blockStats(const DomainHandle& dom,
                                                        std::string_view name) {
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  if (!obj->isActive())
    return notRunning();
  // "" is every disk together, as libvirt sums them.
  std::vector<std::string> aliases;
  if (name.empty()) {
    for (const auto& disk : obj->def.disks)
      if (auto alias = diskAlias(disk))
        aliases.push_back(*alias);
  } else {
    const model::DiskDef* disk = diskByName(obj->def, name);
    if (!disk)
      return notAssigned(name);
    TRY_ASSIGN(std::string alias, diskAlias(*disk));
    aliases.push_back(alias);
  }
  TRY_ASSIGN(std::shared_ptr<QemuRun> run, beginRunningJob(lock, *obj));
  lock.unlock();
  auto reply = run->qmp->execute("query-blockstats", commandDeadline());
  lock.lock();
  endJob(*obj);
  TRY_ASSIGN(json entries, std::move(reply));
  driver::BlockStats total{0, 0, 0, 0, -1};
  bool found = false;
  for (const auto& alias : aliases) {
    for (const auto& entry : entries) {
      if (!entry.is_object() || !isQdevOf(entry.value("qdev", ""), alias))
        continue;
      const json stats = entry.value("stats", json::object());
      total.rdReq += stats.value("rd_operations", std::int64_t{0});
      total.rdBytes += stats.value("rd_bytes", std::int64_t{0});
      total.wrReq += stats.value("wr_operations", std::int64_t{0});
      total.wrBytes += stats.value("wr_bytes", std::int64_t{0});
      found = true;
    }
  }
  if (!found && !name.empty())
    return qemuError(ErrorCode::InternalError,
                     "cannot find statistics for device '" + std::string(name) + "'");
  return total;
}

}  // namespace virtus::qemu
