// Disk hotplug for the QEMU driver, as libvirt's qemu_hotplug.c does it with -blockdev:
//
//   attach   blockdev-add of each layer (bottom first), then device_add; undone on failure
//   detach   device_del, then QEMU's DEVICE_DELETED (after the guest let the device go),
//            then blockdev-del of the disk's nodes; the caller waits up to 5 s for it, as
//            libvirt does, and the watcher finishes a later removal on its own
//   media    blockdev-open-tray (forced), blockdev-remove-medium, blockdev-del of the old
//            medium, blockdev-add and blockdev-insert-medium of the new one, close the tray
//
// Node names follow the command line's (libvirt-N-format / libvirt-N-storage, one number per
// layer, top first): a new disk takes the numbers after the highest QEMU has, and a disk's
// nodes are found from its top node (query-block) and the length of its chain.
#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_disk.h"
#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qemu_driver_support.h"
#include "model/domain/domain_device_parse.h"
#include "model/domain/domain_postparse.h"
#include "model/domain/domain_validate.h"

namespace virtus::qemu {

using driver::DomainHandle;
using nlohmann::json;
using Deadline = QmpClient::Deadline;

namespace {

// libvirt waits this long for QEMU's DEVICE_DELETED before it leaves the unplug to finish
// in the background.
constexpr auto kUnplugWait = std::chrono::seconds(5);

model::DiskDef* findDisk(model::DomainDef& def, std::string_view target) {
  for (auto& disk : def.disks)
    if (disk.targetDev == target)
      return &disk;
  return nullptr;
}

// A media change: the disk keeps its device, target and driver, the medium is `from`'s.
void setMedium(model::DiskDef& disk, const model::DiskDef& from) {
  disk.src = from.src;
  disk.backingChain = from.backingChain;
}

bool removable(const model::DiskDef& disk) {
  return disk.device == "cdrom" || disk.device == "floppy";
}

// Saves `def`, when there is one, as the persistent definition: the next boot's while the
// domain runs.
Result<void> commitConfig(QemuDomainStore& store, QemuDomainObject& obj,
                          std::optional<model::DomainDef> def) {
  if (!def)
    return ok();
  TRY(store.saveConfig(*def));
  if (obj.isActive())
    obj.nextDef = std::move(*def);
  else
    obj.def = std::move(*def);
  return ok();
}

bool hasController(const model::DomainDef& def, std::string_view type, unsigned index) {
  return std::any_of(def.controllers.begin(), def.controllers.end(),
                     [&](const auto& c) { return c.type == type && c.index == index; });
}

// 12 for "libvirt-12-format".
std::optional<unsigned> nodeNumber(std::string_view name) {
  constexpr std::string_view kPrefix = "libvirt-";
  if (name.substr(0, kPrefix.size()) != kPrefix)
    return std::nullopt;
  name.remove_prefix(kPrefix.size());
  unsigned n = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  if (ec != std::errc() || end == name.data() || end == name.data() + name.size() || *end != '-')
    return std::nullopt;
  return n;
}

// The nodes of a disk of `layers` layers whose top node is `top`, top first, in the order
// blockdev-del takes them.
std::vector<std::string> diskNodes(const std::string& top, unsigned layers) {
  auto first = nodeNumber(top);
  if (!first)
    return {top};
  std::vector<std::string> nodes;
  for (unsigned l = 0; l < layers; ++l) {
    const std::string n = "libvirt-" + std::to_string(*first + l);
    nodes.push_back(n + "-format");
    nodes.push_back(n + "-storage");
  }
  return nodes;
}

// The top node of the medium in device `alias` ("" when it has none).
Result<std::string> insertedNode(QmpClient& qmp, const std::string& alias, Deadline deadline) {
  TRY_ASSIGN(json blocks, qmp.execute("query-block", deadline));
  for (const auto& block : blocks) {
    if (!block.is_object() || !isQdevOf(block.value("qdev", ""), alias))
      continue;
    auto inserted = block.find("inserted");
    if (inserted == block.end() || !inserted->is_object())
      return std::string();
    return inserted->value("node-name", "");
  }
  return qemuError(ErrorCode::InternalError,
                   "QEMU does not know the block device of disk '" + alias + "'");
}

// The first node number above every node QEMU has.
Result<unsigned> nextNodeNumber(QmpClient& qmp, Deadline deadline) {
  TRY_ASSIGN(json nodes, qmp.execute("query-named-block-nodes", json{{"flat", true}}, deadline));
  unsigned highest = 0;
  for (const auto& node : nodes)
    if (node.is_object())
      if (auto n = nodeNumber(node.value("node-name", "")))
        highest = std::max(highest, *n);
  return highest + 1;
}

void deleteNodes(QmpClient& qmp, const std::vector<std::string>& nodesTopFirst, Deadline deadline) {
  for (const auto& node : nodesTopFirst)
    (void)qmp.execute("blockdev-del", json{{"node-name", node}}, deadline);
}

void deleteObjects(QmpClient& qmp, const std::vector<std::string>& ids, Deadline deadline) {
  for (const auto& id : ids)
    (void)qmp.execute("object-del", json{{"id", id}}, deadline);
}

// The ids of the secret objects of a disk in QEMU whose top node is `top`: one for each
// layer with <auth>, named after the layer's storage node (qemu_command_secret.h).
std::vector<std::string> secretIds(const model::DiskDef& disk, const std::string& top) {
  std::vector<std::string> ids;
  auto first = nodeNumber(top);
  if (!first)
    return ids;
  for (std::size_t l = 0; l <= disk.backingChain.size(); ++l) {
    const model::StorageSource& layer = l == 0 ? disk.src : disk.backingChain[l - 1];
    if (layer.auth)
      ids.push_back("libvirt-" + std::to_string(*first + l) + "-storage-auth-secret0");
  }
  return ids;
}

std::vector<std::string> secretIdsOf(const QemuDiskArgs& args) {
  std::vector<std::string> ids;
  for (const auto& secret : args.secrets)
    ids.push_back(secret.id);
  return ids;
}

// blockdev-add of every layer of `args`, bottom first; the ones added are deleted again when
// one fails.
Result<void> addNodes(QmpClient& qmp, const QemuDiskArgs& args, Deadline deadline) {
  for (std::size_t i = 0; i < args.blockdevs.size(); ++i) {
    auto added = qmp.execute("blockdev-add", json::parse(args.blockdevs[i]), deadline);
    if (!added) {
      // nodesTopFirst lists the same nodes in the reverse order of blockdevs.
      std::vector<std::string> undo(args.nodesTopFirst.end() - static_cast<std::ptrdiff_t>(i),
                                    args.nodesTopFirst.end());
      deleteNodes(qmp, undo, deadline);
      return std::move(added).error();
    }
  }
  return ok();
}

// object-add of the disk's secrets, then blockdev-add of its layers: all undone when one
// step fails.
Result<void> addSecretsAndNodes(QmpClient& qmp, const QemuDiskArgs& args, Deadline deadline) {
  std::vector<std::string> added;
  for (const auto& arguments : args.objectAddArguments()) {
    auto object = qmp.execute("object-add", arguments, deadline);
    if (!object) {
      deleteObjects(qmp, added, deadline);
      return std::move(object).error();
    }
    added.push_back(arguments.value("id", ""));
  }
  if (auto nodes = addNodes(qmp, args, deadline); !nodes) {
    deleteObjects(qmp, added, deadline);
    return nodes;
  }
  return ok();
}

}  // namespace

Result<void> QemuDomainDriver::attachDevice(const DomainHandle& dom, std::string_view xml,
                                            unsigned flags) {
  return runDiskJob(dom, xml, flags, "attach", "qemuDomainAttachDeviceFlags",
                    &QemuDomainDriver::attachDiskJob);
}

Result<void> QemuDomainDriver::detachDevice(const DomainHandle& dom, std::string_view xml,
                                            unsigned flags) {
  return runDiskJob(dom, xml, flags, "detach", "qemuDomainDetachDeviceFlags",
                    &QemuDomainDriver::detachDiskJob);
}

Result<void> QemuDomainDriver::updateDevice(const DomainHandle& dom, std::string_view xml,
                                            unsigned flags) {
  return runDiskJob(dom, xml, flags, "update", "qemuDomainUpdateDeviceFlags",
                    &QemuDomainDriver::updateDiskJob);
}

Result<void> QemuDomainDriver::runDiskJob(const DomainHandle& dom, std::string_view xml,
                                          unsigned flags, const char* action, const char* function,
                                          DiskJob job) {
  namespace affect = driver::affect;
  TRY(checkFlags(flags, affect::kLive | affect::kConfig, function));
  TRY_ASSIGN(model::DeviceDef device, model::parseDeviceXml(xml));
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  // virDomainObjUpdateModificationImpact
  bool live = (flags & affect::kLive) != 0;
  bool config = (flags & affect::kConfig) != 0;
  if (!live && !config) {
    live = obj->isActive();
    config = !live;
  }
  if (live && !obj->isActive())
    return notRunning();
  if (config && !obj->persistent)
    return qemuError(ErrorCode::OperationInvalid,
                     "transient domains do not have any persistent config");
  if (!device.disk)
    return qemuError(ErrorCode::OperationUnsupported, std::string(live ? "live " : "persistent ") +
                                                          action + " of device '" + device.element +
                                                          "' is not supported");
  std::shared_ptr<QemuRun> run;
  if (live) {
    TRY_ASSIGN(run, beginRunningJob(lock, *obj));
  } else {
    TRY(beginJob(lock, *obj));
  }
  auto result = (this->*job)(lock, *obj, run, *device.disk, live, config);
  if (!lock.owns_lock())
    lock.lock();
  endJob(*obj);
  return result;
}

Result<void> QemuDomainDriver::attachDiskJob(Lock& lock, QemuDomainObject& obj,
                                             const std::shared_ptr<QemuRun>& run,
                                             const model::DiskDef& disk, bool live, bool config) {
  const std::string& target = disk.targetDev;
  std::optional<model::DomainDef> newConfig;
  if (config) {
    model::DomainDef def = obj.persistentDef();
    if (findDisk(def, target))
      return qemuError(ErrorCode::OperationInvalid, "target " + target + " already exists");
    model::insertDisk(def, disk);
    model::addMissingDiskControllers(def);
    TRY(model::validateDomain(def));
    newConfig = std::move(def);
  }
  if (live) {
    model::DomainDef liveDef = obj.def;
    if (model::DiskDef* existing = findDisk(liveDef, target)) {
      // An attach onto a cdrom or floppy that exists changes its medium, as in libvirt.
      if (!removable(*existing) || !removable(disk))
        return qemuError(ErrorCode::OperationInvalid, "target " + target + " already exists");
      const model::DiskDef old = *existing;
      lock.unlock();
      TRY(changeMedia(*run, liveDef, old, disk));
      lock.lock();
      if (model::DiskDef* current = findDisk(obj.def, target)) {
        setMedium(*current, disk);
      }
    } else {
      if (removable(disk))
        return qemuError(ErrorCode::OperationUnsupported,
                         "cdrom/floppy device hotplug isn't supported");
      if (disk.targetBus != "virtio" && disk.targetBus != "scsi")
        return qemuError(ErrorCode::OperationUnsupported,
                         "disk bus '" + disk.targetBus + "' cannot be hotplugged.");
      if (disk.targetBus == "scsi" && disk.address &&
          !hasController(liveDef, "scsi", disk.address->controller))
        return qemuError(ErrorCode::OperationUnsupported,
                         "disk '" + target + "' needs SCSI controller " +
                             std::to_string(disk.address->controller) +
                             ", which the running domain does not have (Virtus does not "
                             "hotplug controllers)");
      model::insertDisk(liveDef, disk);
      TRY(model::validateDomain(liveDef));
      lock.unlock();
      TRY(plugDisk(*run, liveDef, disk));
      lock.lock();
      if (obj.run == run)
        model::insertDisk(obj.def, disk);
    }
    saveRuntimeState(obj);
  }
  return commitConfig(store_, obj, std::move(newConfig));
}

Result<void> QemuDomainDriver::detachDiskJob(Lock& lock, QemuDomainObject& obj,
                                             const std::shared_ptr<QemuRun>& run,
                                             const model::DiskDef& disk, bool live, bool config) {
  const std::string& target = disk.targetDev;
  std::optional<model::DomainDef> newConfig;
  if (config) {
    model::DomainDef def = obj.persistentDef();
    if (!findDisk(def, target))
      return qemuError(ErrorCode::DeviceMissing, "no target device " + target);
    std::erase_if(def.disks, [&](const auto& d) { return d.targetDev == target; });
    newConfig = std::move(def);
  }
  if (live) {
    model::DiskDef* existing = findDisk(obj.def, target);
    if (!existing)
      return qemuError(ErrorCode::DeviceMissing, "disk " + target + " not found");
    if (removable(*existing))
      return qemuError(ErrorCode::OperationUnsupported,
                       "disk device type '" + existing->device + "' cannot be detached");
    const unsigned layers = diskNodeCount(*existing);
    const model::DiskDef unplugged = *existing;
    TRY_ASSIGN(std::string alias, diskAlias(unplugged));
    lock.unlock();
    TRY_ASSIGN(std::string top, insertedNode(*run->qmp, alias, commandDeadline()));
    lock.lock();
    if (top.empty())
      run->unplugging[alias] = {};
    else
      run->unplugging[alias] = {diskNodes(top, layers), secretIds(unplugged, top)};
    run->unplugging[alias].disk = unplugged;
    if (!resolveVolume(*run->unplugging[alias].disk))
      run->unplugging[alias].disk.reset();
    run->unplugged.erase(alias);
    lock.unlock();
    auto deleted = run->qmp->execute("device_del", json{{"id", alias}}, commandDeadline());
    lock.lock();
    if (!deleted) {
      run->unplugging.erase(alias);
      return std::move(deleted).error();
    }
    // Done when QEMU reports the device gone (the watcher then removes the nodes and the
    // disk); a guest that takes longer gets it removed later, as with libvirt.
    changed_.wait_for(lock, kUnplugWait,
                      [&] { return run->unplugged.count(alias) > 0 || obj.run != run; });
  }
  return commitConfig(store_, obj, std::move(newConfig));
}

Result<void> QemuDomainDriver::updateDiskJob(Lock& lock, QemuDomainObject& obj,
                                             const std::shared_ptr<QemuRun>& run,
                                             const model::DiskDef& disk, bool live, bool config) {
  const std::string& target = disk.targetDev;
  auto checkUpdatable = [&](model::DomainDef& def, bool isLive) -> Result<model::DiskDef*> {
    model::DiskDef* existing = findDisk(def, target);
    if (!existing)
      return qemuError(ErrorCode::DeviceMissing,
                       isLive ? "disk " + target + " not found" : "no target device " + target);
    if (!removable(*existing) || existing->device != disk.device)
      return qemuError(ErrorCode::OperationUnsupported,
                       "disk '" + target + "' of device type '" + existing->device +
                           "' cannot be updated: only the media of cdroms and floppies can "
                           "be changed");
    if (existing->targetBus != disk.targetBus)
      return qemuError(ErrorCode::OperationUnsupported,
                       "disk bus '" + disk.targetBus + "' cannot be updated.");
    return existing;
  };
  std::optional<model::DomainDef> newConfig;
  if (config) {
    model::DomainDef def = obj.persistentDef();
    TRY_ASSIGN(model::DiskDef * existing, checkUpdatable(def, false));
    setMedium(*existing, disk);
    TRY(model::validateDomain(def));
    newConfig = std::move(def);
  }
  if (live) {
    model::DomainDef liveDef = obj.def;
    TRY_ASSIGN(model::DiskDef * existing, checkUpdatable(liveDef, true));
    const model::DiskDef old = *existing;
    lock.unlock();
    TRY(changeMedia(*run, liveDef, old, disk));
    lock.lock();
    if (model::DiskDef* current = findDisk(obj.def, target)) {
      setMedium(*current, disk);
    }
    saveRuntimeState(obj);
  }
  return commitConfig(store_, obj, std::move(newConfig));
}

Result<void> QemuDomainDriver::plugDisk(QemuRun& run, const model::DomainDef& liveDef,
                                        model::DiskDef disk) {
  TRY(resolveVolume(disk));
  const pid_t pid = run.process->pid();
  TRY(lockDisk(liveDef, pid, disk));
  auto plugged = [&]() -> Result<void> {
    const Deadline deadline = commandDeadline();
    TRY_ASSIGN(unsigned first, nextNodeNumber(*run.qmp, deadline));
    TRY_ASSIGN(QemuDiskArgs args, buildOneDiskArgs(liveDef, disk, first, disk.bootOrder.value_or(0),
                                                   secretContext(liveDef.name)));
    TRY(addSecretsAndNodes(*run.qmp, args, deadline));
    auto added = run.qmp->execute("device_add", json::parse(args.device), deadline);
    if (!added) {
      deleteNodes(*run.qmp, args.nodesTopFirst, deadline);
      deleteObjects(*run.qmp, secretIdsOf(args), deadline);
      return std::move(added).error();
    }
    return ok();
  }();
  if (!plugged)
    unlockDisk(liveDef, pid, disk);
  return plugged;
}

Result<void> QemuDomainDriver::changeMedia(QemuRun& run, const model::DomainDef& liveDef,
                                           const model::DiskDef& oldDisk, model::DiskDef newDisk) {
  TRY(resolveVolume(newDisk));
  const pid_t pid = run.process->pid();
  model::DiskDef oldMedium = oldDisk;
  if (!resolveVolume(oldMedium))
    oldMedium.src = model::StorageSource{};  // a volume gone meanwhile: no lock to find
  if (!newDisk.src.isEmpty())
    TRY(lockDisk(liveDef, pid, newDisk));
  auto changed = swapMedia(run, liveDef, oldDisk, newDisk);
  if (!changed) {
    unlockDisk(liveDef, pid, newDisk);
    return changed;
  }
  unlockDisk(liveDef, pid, oldMedium);
  return ok();
}

Result<void> QemuDomainDriver::swapMedia(QemuRun& run, const model::DomainDef& liveDef,
                                         const model::DiskDef& oldDisk,
                                         const model::DiskDef& newDisk) {
  const Deadline deadline = commandDeadline();
  TRY_ASSIGN(std::string alias, diskAlias(oldDisk));
  // The new medium's nodes are built first: a definition QEMU cannot take leaves the old
  // medium in place.
  std::optional<QemuDiskArgs> args;
  if (!newDisk.src.isEmpty()) {
    TRY_ASSIGN(unsigned first, nextNodeNumber(*run.qmp, deadline));
    TRY_ASSIGN(args, buildOneDiskArgs(liveDef, newDisk, first, 0, secretContext(liveDef.name)));
  }
  TRY_ASSIGN(std::string oldTop, insertedNode(*run.qmp, alias, deadline));
  TRY(run.qmp->execute("blockdev-open-tray", json{{"id", alias}, {"force", true}}, deadline));
  TRY(run.qmp->execute("blockdev-remove-medium", json{{"id", alias}}, deadline));
  if (!oldTop.empty()) {
    deleteNodes(*run.qmp, diskNodes(oldTop, diskNodeCount(oldDisk)), deadline);
    deleteObjects(*run.qmp, secretIds(oldDisk, oldTop), deadline);
  }
  if (!args)
    return ok();  // ejected: the tray stays open, as after a guest's eject
  TRY(addSecretsAndNodes(*run.qmp, *args, deadline));
  auto inserted = run.qmp->execute("blockdev-insert-medium",
                                   json{{"id", alias}, {"node-name", args->nodeName}}, deadline);
  if (!inserted) {
    deleteNodes(*run.qmp, args->nodesTopFirst, deadline);
    deleteObjects(*run.qmp, secretIdsOf(*args), deadline);
    return std::move(inserted).error();
  }
  TRY(run.qmp->execute("blockdev-close-tray", json{{"id", alias}}, deadline));
  return ok();
}

void QemuDomainDriver::finishUnplug(QemuDomainObject& obj, QemuRun& run, const std::string& alias) {
  QemuRun::Unplug unplug;
  model::DomainDef owner;  // the guest's name and uuid, for its lock
  {
    std::lock_guard lock(mutex_);
    owner.name = obj.def.name;
    owner.uuid = obj.def.uuid;
    owner.onLockfailure = obj.def.onLockfailure;
    if (auto it = run.unplugging.find(alias); it != run.unplugging.end()) {
      unplug = std::move(it->second);
      run.unplugging.erase(it);
    }
    if (obj.run.get() == &run) {
      std::erase_if(obj.def.disks, [&](const model::DiskDef& d) {
        auto a = diskAlias(d);
        return a && *a == alias;
      });
      saveRuntimeState(obj);
    }
  }
  deleteNodes(*run.qmp, unplug.nodes, commandDeadline());
  deleteObjects(*run.qmp, unplug.secrets, commandDeadline());
  if (unplug.disk)
    unlockDisk(owner, run.process->pid(), *unplug.disk);
  std::lock_guard lock(mutex_);
  run.unplugged.insert(alias);
  changed_.notify_all();
}

}  // namespace virtus::qemu
