#include "model/domain/domain_postparse.h"

#include <algorithm>

#include "model/domain/domain_disk_xml.h"

namespace virtus::model {

namespace {

unsigned nameIndex(const std::string& dev) {
  return diskNameToIndex(dev).value_or(0);
}

void normaliseSource(StorageSource& src) {
  if (src.isEmpty() && (src.type == "block" || src.type == "volume" || src.type == "dir"))
    src.type = "file";
  if (src.type != "network")
    return;
  if (src.protocol == "iscsi" && !src.name.empty() && src.name.find('/') == std::string::npos)
    src.name += "/0";
  unsigned port = defaultNetworkPort(src.protocol);
  for (DiskHost& host : src.hosts) {
    if (!host.port && port != 0 && host.transport.empty())
      host.port = port;
  }
}

// virDomainDiskDefAssignAddress for the buses that use drive addresses.
void assignDriveAddress(DiskDef& disk) {
  if (disk.address)
    return;
  auto index = diskNameToIndex(disk.targetDev);
  if (!index)
    return;
  unsigned idx = *index;
  DeviceAddress a;
  a.type = "drive";
  if (disk.targetBus == "scsi") {
    a.controller = idx / 7;
    a.unit = idx % 7;
  } else if (disk.targetBus == "ide") {
    a.controller = idx / 4;
    a.bus = (idx % 4) / 2;
    a.unit = idx % 2;
  } else if (disk.targetBus == "sata") {
    a.controller = idx / 6;
    a.unit = idx % 6;
  } else if (disk.targetBus == "fdc") {
    a.controller = idx / 2;
    a.unit = idx % 2;
  } else {
    return;
  }
  disk.address = a;
}

bool hasController(const DomainDef& def, std::string_view type, unsigned index) {
  return std::any_of(def.controllers.begin(), def.controllers.end(),
                     [&](const ControllerDef& c) { return c.type == type && c.index == index; });
}

// virDomainDefAddDiskControllersForType: controllers 0..max of the type that disks use.
void addDiskControllers(DomainDef& def, std::string_view bus) {
  int max = -1;
  for (const DiskDef& disk : def.disks) {
    if (disk.targetBus == bus && disk.address && disk.address->type == "drive")
      max = std::max(max, static_cast<int>(disk.address->controller));
  }
  for (int i = 0; i <= max; ++i) {
    if (hasController(def, bus, static_cast<unsigned>(i)))
      continue;
    ControllerDef c;
    c.type = std::string(bus);
    c.index = static_cast<unsigned>(i);
    insertController(def, c);
  }
}

template <class T, class SameGroup, class After>
void groupedInsert(std::vector<T>& items, T item, SameGroup same, After after) {
  int insertAt = -1;
  for (int i = static_cast<int>(items.size()) - 1; i >= 0; --i) {
    if (!same(items[i], item))
      continue;
    if (after(items[i], item))
      insertAt = i;
    else if (insertAt == -1)
      insertAt = i + 1;
  }
  if (insertAt == -1)
    items.push_back(std::move(item));
  else
    items.insert(items.begin() + insertAt, std::move(item));
}

}  // namespace

unsigned defaultNetworkPort(std::string_view protocol) {
  if (protocol == "nbd")
    return 10809;
  if (protocol == "iscsi")
    return 3260;
  if (protocol == "gluster")
    return 24007;
  if (protocol == "http")
    return 80;
  if (protocol == "https")
    return 443;
  if (protocol == "sheepdog")
    return 7000;
  return 0;
}

void insertDisk(DomainDef& def, DiskDef disk) {
  groupedInsert(
      def.disks, std::move(disk),
      [](const DiskDef& a, const DiskDef& b) { return a.targetBus == b.targetBus; },
      [](const DiskDef& a, const DiskDef& b) {
        return nameIndex(a.targetDev) > nameIndex(b.targetDev);
      });
}

void insertController(DomainDef& def, ControllerDef controller) {
  groupedInsert(
      def.controllers, std::move(controller),
      [](const ControllerDef& a, const ControllerDef& b) { return a.type == b.type; },
      [](const ControllerDef& a, const ControllerDef& b) { return a.index > b.index; });
}

void applyDomainPostParse(DomainDef& def) {
  if (!def.uuid)
    def.uuid = Uuid::generate();
  if (def.currentMemoryKiB == 0 || def.currentMemoryKiB > def.memoryKiB)
    def.currentMemoryKiB = def.memoryKiB;
  bool deviceBoot = std::any_of(def.disks.begin(), def.disks.end(),
                                [](const DiskDef& d) { return d.bootOrder.has_value(); });
  if (def.os.bootDevs.empty() && !deviceBoot)
    def.os.bootDevs.push_back("hd");
  for (DiskDef& disk : def.disks) {
    normaliseSource(disk.src);
    for (StorageSource& layer : disk.backingChain)
      normaliseSource(layer);
    assignDriveAddress(disk);
  }
  for (std::string_view bus : {"scsi", "fdc", "ide", "sata"})
    addDiskControllers(def, bus);
}

}  // namespace virtus::model
