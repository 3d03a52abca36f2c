#include "model/domain/domain_postparse.h"

#include <algorithm>
#include <set>

#include "model/domain/domain_device_parse.h"
#include "model/domain/domain_disk_xml.h"
#include "model/domain/domain_graphics_xml.h"

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

// virDomainDefAddConsoleCompat: on an hvm guest the first console, when of target type
// serial, is the first serial port (created from the console when there is none), and a
// guest with serial ports but no console gets one mirroring serials[0].
Result<void> addConsoleCompat(DomainDef& def) {
  for (std::size_t i = 1; i < def.consoles.size(); ++i) {
    if (def.consoles[i].targetType == "serial")
      return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Domain,
                       "Only the first console can be a serial port");
  }
  if (!def.consoles.empty() && def.consoles[0].targetType == "serial" && def.serials.empty()) {
    ChrDef serial = def.consoles[0];
    serial.targetType.clear();
    serial.port.reset();
    def.serials.push_back(std::move(serial));
  }
  // ISA serial ports without a port take the lowest free ISA port (there are 4); the others
  // are numbered after the highest port in use.
  std::set<unsigned> isaPorts;
  for (const ChrDef& serial : def.serials) {
    if (serial.targetType == "isa-serial" && serial.port)
      isaPorts.insert(*serial.port);
  }
  for (ChrDef& serial : def.serials) {
    if (serial.targetType != "isa-serial")
      continue;
    if (!serial.port) {
      unsigned port = 0;
      while (isaPorts.count(port) != 0)
        ++port;
      serial.port = port;
      isaPorts.insert(port);
    }
    if (*serial.port > 3)
      return makeError(ErrorCode::InternalError, ErrorDomain::Domain,
                       "Maximum supported number of ISA serial ports is '4'");
  }
  int maxPort = -1;
  for (const ChrDef& serial : def.serials) {
    if (serial.port)
      maxPort = std::max(maxPort, static_cast<int>(*serial.port));
  }
  for (ChrDef& serial : def.serials) {
    if (!serial.port)
      serial.port = static_cast<unsigned>(++maxPort);
  }
  if (def.serials.empty())
    return ok();
  if (def.consoles.empty() || def.consoles[0].targetType != "serial")
    def.consoles.insert(def.consoles.begin(), ChrDef());
  ChrDef& console = def.consoles[0];
  console = def.serials[0];
  console.targetType = "serial";
  console.targetModel.clear();
  console.address.reset();
  return ok();
}

// virDomainDefMaybeAddVirtioSerialController.
void addVirtioSerialController(DomainDef& def) {
  auto virtio = [](const ChrDef& chr) { return chr.targetType == "virtio"; };
  bool needed = std::any_of(def.consoles.begin(), def.consoles.end(), virtio) ||
                std::any_of(def.channels.begin(), def.channels.end(), virtio);
  if (!needed || hasController(def, "virtio-serial", 0))
    return;
  ControllerDef c;
  c.type = "virtio-serial";
  insertController(def, c);
}

// The primary video first (only one may be), the first one primary, a default video for a
// guest with graphics but none, and 'none' only alone.
Result<void> arrangeVideos(DomainDef& def) {
  auto primary = std::find_if(def.videos.begin(), def.videos.end(),
                              [](const VideoDef& v) { return v.primary; });
  if (primary != def.videos.end()) {
    if (std::any_of(primary + 1, def.videos.end(), [](const VideoDef& v) { return v.primary; }))
      return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Domain,
                       "Only one primary video device is supported");
    std::rotate(def.videos.begin(), primary, primary + 1);
  }
  if (def.videos.size() > 1 && std::any_of(def.videos.begin(), def.videos.end(),
                                           [](const VideoDef& v) { return v.model == "none"; }))
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Domain,
                     "a 'none' video type must be the only video device defined for the domain");
  if (def.videos.empty() && !def.graphics.empty()) {
    VideoDef video;
    video.model = "cirrus";
    video.heads = 1;
    applyVideoDefaults(video);
    def.videos.push_back(video);
  }
  if (!def.videos.empty() && def.videos[0].model != "none")
    def.videos[0].primary = true;
  return ok();
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

void applyDiskDefaults(DiskDef& disk) {
  normaliseSource(disk.src);
  for (StorageSource& layer : disk.backingChain)
    normaliseSource(layer);
  assignDriveAddress(disk);
}

void addMissingDiskControllers(DomainDef& def) {
  for (std::string_view bus : {"scsi", "fdc", "ide", "sata"})
    addDiskControllers(def, bus);
}

Result<void> applyDomainPostParse(DomainDef& def) {
  if (!def.uuid)
    def.uuid = Uuid::generate();
  if (def.currentMemoryKiB == 0 || def.currentMemoryKiB > def.memoryKiB)
    def.currentMemoryKiB = def.memoryKiB;
  bool deviceBoot = std::any_of(def.disks.begin(), def.disks.end(),
                                [](const DiskDef& d) { return d.bootOrder.has_value(); }) ||
                    std::any_of(def.nets.begin(), def.nets.end(),
                                [](const NetDef& n) { return n.bootOrder.has_value(); });
  if (def.os.bootDevs.empty() && !deviceBoot)
    def.os.bootDevs.push_back("hd");
  for (DiskDef& disk : def.disks)
    applyDiskDefaults(disk);
  addMissingDiskControllers(def);
  TRY(addConsoleCompat(def));
  TRY(arrangeVideos(def));
  addVirtioSerialController(def);
  return ok();
}

}  // namespace virtus::model
