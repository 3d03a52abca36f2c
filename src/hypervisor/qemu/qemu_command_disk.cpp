#include "hypervisor/qemu/qemu_command_disk.h"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_command_network.h"
#include "hypervisor/qemu/qemu_command_pci.h"
#include "hypervisor/qemu/qemu_command_support.h"

namespace virtus::qemu {
namespace {

using model::DiskDef;
using model::StorageSource;
using nlohmann::ordered_json;

// libvirt's disk format names and the QEMU block driver of each. Formats that need more
// than a driver name (luks: a secret; dir/fat: vvfat) are not here.
Result<std::string> formatDriver(const DiskDef& disk, const StorageSource& src) {
  static constexpr std::array<std::string_view, 12> kDrivers{
      "raw", "qcow2", "qcow",  "qed", "vmdk",      "vpc",
      "vdi", "vhdx",  "cloop", "dmg", "parallels", "bochs"};
  // libvirt's post-parse makes a network source without a format raw; QEMU never probes.
  if (src.format.empty() && src.type == "network")
    return std::string("raw");
  if (src.format.empty())
    return unsupported("disk '" + disk.targetDev +
                       "' has no format: Virtus never lets QEMU probe one, give it with "
                       "<driver type='raw|qcow2|...'/> (or <format type=.../> in a "
                       "<backingStore>)");
  if (src.format == "iso")
    return std::string("raw");
  for (std::string_view d : kDrivers)
    if (src.format == d)
      return src.format;
  return unsupported("disk format '" + src.format + "' of disk '" + disk.targetDev +
                     "' is not supported by Virtus' QEMU driver");
}

// The storage node of a local layer (file, block) up to its common options.
Result<ordered_json> localStorage(const DiskDef& disk, const StorageSource& src) {
  ordered_json storage;
  if (src.type == "file")
    storage["driver"] = "file";
  else if (src.type == "block")
    storage["driver"] = "host_device";
  else if (src.type == "volume")
    return unsupported(
        "disks of type 'volume' must be resolved to a path by the storage "
        "driver before the command line is built (disk '" +
        disk.targetDev + "')");
  else
    return unsupported("disk '" + disk.targetDev + "' of type '" + src.type +
                       "' is not supported by Virtus' QEMU driver");
  if (src.path.empty())
    return unsupported("a backing layer of disk '" + disk.targetDev + "' has no source");
  storage["filename"] = src.path;
  if (!disk.driver.io.empty() && disk.driver.io != "default")
    storage["aio"] = disk.driver.io;
  return storage;
}

// cache.direct and cache.no-flush of a <driver cache=> mode, and the device's write-cache.
struct CacheMode {
  bool direct, noFlush, writeCache;
};

Result<std::optional<CacheMode>> cacheMode(const DiskDef& disk) {
  const std::string& c = disk.driver.cache;
  if (c.empty() || c == "default")
    return std::optional<CacheMode>();
  if (c == "none")
    return std::optional<CacheMode>(CacheMode{true, false, true});
  if (c == "writethrough")
    return std::optional<CacheMode>(CacheMode{false, false, false});
  if (c == "writeback")
    return std::optional<CacheMode>(CacheMode{false, false, true});
  if (c == "directsync")
    return std::optional<CacheMode>(CacheMode{true, false, false});
  if (c == "unsafe")
    return std::optional<CacheMode>(CacheMode{false, true, true});
  return unsupported("disk cache mode '" + c + "' is not supported");
}

unsigned nameIndex(std::string_view dev) {
  // The trailing letters in bijective base 26: vda → 0, vdz → 25, vdaa → 26.
  std::size_t start = dev.size();
  while (start > 0 && dev[start - 1] >= 'a' && dev[start - 1] <= 'z')
    --start;
  // Keep the prefix (vd, sd, hd, xvd) out: it is at most three letters before the index.
  std::string_view letters = dev.substr(start);
  for (std::string_view prefix : {"xvd", "vd", "sd", "hd", "fd"})
    if (letters.substr(0, prefix.size()) == prefix && letters.size() > prefix.size()) {
      letters.remove_prefix(prefix.size());
      break;
    }
  unsigned index = 0;
  for (char ch : letters)
    index = index * 26 + static_cast<unsigned>(ch - 'a') + 1;
  return index == 0 ? 0 : index - 1;
}

const model::DeviceAddress* driveAddress(const DiskDef& disk) {
  if (disk.address && disk.address->type == "drive")
    return &*disk.address;
  return nullptr;
}

bool isQ35(const std::string& machine) {
  return machine == "q35" || machine.rfind("pc-q35", 0) == 0;
}

// The frontend device of `disk` (driver, bus and address; the caller adds drive, id...).
Result<ordered_json> frontend(const model::DomainDef& def, const DiskDef& disk) {
  ordered_json dev;
  bool cdrom = disk.device == "cdrom";
  if (disk.device == "lun") {
    // SCSI passthrough of a host block device or an iSCSI LUN.
    bool iscsi = disk.src.type == "network" && disk.src.protocol == "iscsi";
    if (disk.src.type != "block" && !iscsi)
      return unsupported("disk '" + disk.targetDev +
                         "': device 'lun' needs a block device or an iSCSI source");
    if (disk.targetBus != "scsi")
      return unsupported("disk '" + disk.targetDev + "': device 'lun' needs bus 'scsi', not '" +
                         disk.targetBus + "'");
  } else if (disk.device != "disk" && !cdrom)
    return unsupported("disk device '" + disk.device + "' of disk '" + disk.targetDev +
                       "' is not supported by Virtus' QEMU driver");
  const model::DeviceAddress* drive = driveAddress(disk);
  if (disk.targetBus == "virtio") {
    if (cdrom)
      return unsupported("disk '" + disk.targetDev +
                         "': a cdrom cannot be on bus 'virtio', use 'scsi' or 'sata'");
    dev["driver"] = "virtio-blk-pci";
    TRY(addPciAddress(dev, def, disk.address));
    return dev;
  }
  if (disk.targetBus == "scsi") {
    if (!drive)
      return unsupported("disk '" + disk.targetDev + "' on bus 'scsi' has no drive address");
    const model::ControllerDef* ctl = nullptr;
    for (const auto& c : def.controllers)
      if (c.type == "scsi" && c.index == drive->controller)
        ctl = &c;
    if (!ctl)
      return unsupported("disk '" + disk.targetDev + "' needs SCSI controller " +
                         std::to_string(drive->controller) + ", which is not defined");
    if (!ctl->model.empty() && ctl->model != "virtio-scsi")
      return unsupported("SCSI controller model '" + ctl->model +
                         "' is not supported by Virtus' QEMU driver (use 'virtio-scsi')");
    dev["driver"] = cdrom ? "scsi-cd" : disk.device == "lun" ? "scsi-block" : "scsi-hd";
    dev["bus"] = "scsi" + std::to_string(drive->controller) + ".0";
    dev["channel"] = drive->bus;
    dev["scsi-id"] = drive->target;
    dev["lun"] = drive->unit;
    return dev;
  }
  if (disk.targetBus == "ide") {
    if (!isI440fxMachine(def.os.machine.empty() ? "pc" : def.os.machine))
      return unsupported("disk '" + disk.targetDev +
                         "': IDE is only available on the 'pc' "
                         "(i440fx) machine types, not on '" +
                         def.os.machine + "'");
    if (!drive || drive->controller != 0)
      return unsupported("disk '" + disk.targetDev + "': only IDE controller 0 exists");
    dev["driver"] = cdrom ? "ide-cd" : "ide-hd";
    dev["bus"] = "ide." + std::to_string(drive->bus);
    dev["unit"] = drive->unit;
    return dev;
  }
  if (disk.targetBus == "sata") {
    if (!isQ35(def.os.machine))
      return unsupported("disk '" + disk.targetDev +
                         "': SATA is only available on the 'q35' "
                         "machine types in Virtus");
    if (!drive || drive->controller != 0)
      return unsupported("disk '" + disk.targetDev + "': only SATA controller 0 exists");
    dev["driver"] = cdrom ? "ide-cd" : "ide-hd";
    dev["bus"] = "ide." + std::to_string(drive->unit);
    return dev;
  }
  return unsupported("disk bus '" + disk.targetBus + "' of disk '" + disk.targetDev +
                     "' is not supported by Virtus' QEMU driver");
}

void addCache(ordered_json& node, const std::optional<CacheMode>& cache) {
  if (cache)
    node["cache"] = {{"direct", cache->direct}, {"no-flush", cache->noFlush}};
}

std::string node(unsigned n, const char* kind) {
  return "libvirt-" + std::to_string(n) + "-" + kind;
}

}  // namespace

bool isI440fxMachine(const std::string& machine) {
  return machine == "pc" || machine.rfind("pc-i440fx", 0) == 0 ||
         (machine.rfind("pc-", 0) == 0 && !isQ35(machine));
}

Result<std::string> diskAlias(const DiskDef& disk) {
  const model::DeviceAddress* a = driveAddress(disk);
  if (disk.targetBus == "virtio")
    return "virtio-disk" + std::to_string(nameIndex(disk.targetDev));
  if (!a)
    return unsupported("disk '" + disk.targetDev + "' on bus '" + disk.targetBus +
                       "' has no drive address");
  auto n = [](unsigned v) { return std::to_string(v); };
  if (disk.targetBus == "scsi")
    return "scsi" + n(a->controller) + "-" + n(a->bus) + "-" + n(a->target) + "-" + n(a->unit);
  if (disk.targetBus == "ide")
    return "ide" + n(a->controller) + "-" + n(a->bus) + "-" + n(a->unit);
  if (disk.targetBus == "sata")
    return "sata" + n(a->controller) + "-" + n(a->bus) + "-" + n(a->unit);
  return unsupported("disk bus '" + disk.targetBus + "' of disk '" + disk.targetDev +
                     "' is not supported by Virtus' QEMU driver");
}

Result<std::vector<QemuDiskArgs>> buildDiskArgs(const model::DomainDef& def,
                                                const std::vector<unsigned>& bootIndex,
                                                const QemuSecretContext& secrets) {
  // Node numbers: the last disk's top layer is 1 (libvirt's order).
  std::vector<unsigned> first(def.disks.size());
  unsigned next = 1;
  for (std::size_t i = def.disks.size(); i-- > 0;) {
    first[i] = next;
    next += diskNodeCount(def.disks[i]);
  }

  std::vector<QemuDiskArgs> out;
  for (std::size_t i = 0; i < def.disks.size(); ++i) {
    TRY_ASSIGN(QemuDiskArgs one,
               buildOneDiskArgs(def, def.disks[i], first[i], bootIndex[i], secrets));
    out.push_back(std::move(one));
  }
  return out;
}

unsigned diskNodeCount(const DiskDef& disk) {
  return disk.src.isEmpty() ? 0 : 1 + static_cast<unsigned>(disk.backingChain.size());
}

std::vector<std::string> QemuDiskArgs::commandLine() const {
  std::vector<std::string> args;
  std::size_t object = 0;
  for (std::size_t b = 0; b < blockdevs.size(); ++b) {
    for (; object < objects.size() && objectsBefore[object] <= b; ++object)
      args.insert(args.end(), {"-object", objects[object]});
    args.insert(args.end(), {"-blockdev", blockdevs[b]});
  }
  for (; object < objects.size(); ++object)
    args.insert(args.end(), {"-object", objects[object]});
  args.insert(args.end(), {"-device", device});
  return args;
}

std::vector<nlohmann::json> QemuDiskArgs::objectAddArguments() const {
  std::vector<nlohmann::json> out;
  for (const auto& s : secrets)
    out.push_back(s.objectAddArguments());
  return out;
}

Result<QemuDiskArgs> buildOneDiskArgs(const model::DomainDef& def, const DiskDef& disk,
                                      unsigned firstNode, unsigned bootIndex,
                                      const QemuSecretContext& secrets) {
  QemuDiskArgs result;
  TRY_ASSIGN(result.alias, diskAlias(disk));
  TRY_ASSIGN(ordered_json dev, frontend(def, disk));
  TRY_ASSIGN(auto cache, cacheMode(disk));
  bool cdrom = disk.device == "cdrom";
  if (disk.src.isEmpty() && !cdrom)
    return unsupported("disk '" + disk.targetDev + "' has no source");

  if (!disk.src.isEmpty()) {
    // Layers top first: the disk's source, then its backing chain.
    std::vector<const StorageSource*> layers{&disk.src};
    for (const auto& b : disk.backingChain)
      layers.push_back(&b);
    // Emitted bottom first, so that each format node's backing already exists.
    for (std::size_t l = layers.size(); l-- > 0;) {
      const StorageSource& src = *layers[l];
      unsigned n = firstNode + static_cast<unsigned>(l);
      ordered_json storage;
      if (src.type == "network") {
        TRY_ASSIGN(NetworkStorageNode net,
                   buildNetworkStorageNode(src, node(n, "storage"), disk.targetDev, secrets));
        storage = std::move(net.props);
        for (auto& secret : net.secrets) {
          result.objects.push_back(secret.commandLineJson());
          result.objectsBefore.push_back(result.blockdevs.size());
          result.secrets.push_back(std::move(secret));
        }
      } else {
        TRY_ASSIGN(storage, localStorage(disk, src));
      }
      TRY_ASSIGN(std::string fmtDriver, formatDriver(disk, src));
      bool top = l == 0;
      storage["node-name"] = node(n, "storage");
      storage["auto-read-only"] = true;
      storage["discard"] = "unmap";
      addCache(storage, cache);

      ordered_json format;
      format["node-name"] = node(n, "format");
      format["read-only"] = !top || disk.readonly || cdrom;
      if (top && disk.driver.discard == "unmap")
        format["discard"] = "unmap";
      if (top && !disk.driver.detectZeroes.empty() && disk.driver.detectZeroes != "off") {
        std::string dz = disk.driver.detectZeroes;
        if (dz == "unmap" && disk.driver.discard != "unmap")
          dz = "on";
        format["detect-zeroes"] = dz;
      }
      addCache(format, cache);
      format["driver"] = fmtDriver;
      format["file"] = node(n, "storage");
      if (l + 1 < layers.size())
        format["backing"] = node(n + 1, "format");
      else if (disk.backingTerminated)
        format["backing"] = nullptr;
      result.blockdevs.push_back(storage.dump());
      result.blockdevs.push_back(format.dump());
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
      unsigned n = firstNode + static_cast<unsigned>(l);
      result.nodesTopFirst.push_back(node(n, "format"));
      result.nodesTopFirst.push_back(node(n, "storage"));
    }
    result.nodeName = node(firstNode, "format");
  }

  // A shareable disk: QEMU lets other processes write the image too (no image lock).
  if (disk.shareable && !disk.readonly)
    dev["share-rw"] = true;
  if (!result.nodeName.empty())
    dev["drive"] = result.nodeName;
  dev["id"] = result.alias;
  if (bootIndex > 0)
    dev["bootindex"] = bootIndex;
  if (!disk.serial.empty())
    dev["serial"] = disk.serial;
  if (cache)
    dev["write-cache"] = cache->writeCache ? "on" : "off";
  result.device = dev.dump();
  return result;
}

}  // namespace virtus::qemu
