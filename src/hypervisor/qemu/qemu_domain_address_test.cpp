// PCI addresses as libvirt 9.0 assigns them when it defines the same domains (the expected
// slots are what `virsh define` + `dumpxml` on libvirtd 9.0 return, and libvirt's own
// boot-complex case), and the command line that follows from them.
#include "hypervisor/qemu/qemu_domain_address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hypervisor/qemu/qemu_command.h"
#include "model/domain/domain_xml.h"

namespace virtus::qemu {
namespace {

using model::DeviceAddress;
using model::DomainDef;

std::string domainXml(const std::string& devices, const std::string& machine = "pc") {
  return "<domain type='qemu'><name>g1</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
         "<memory unit='KiB'>262144</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='" +
         machine + "'>hvm</type></os><devices>" + devices + "</devices></domain>";
}

std::string pci(const std::string& slot, const std::string& function = "0x0") {
  return "<address type='pci' domain='0x0000' bus='0x00' slot='" + slot + "' function='" +
         function + "'/>";
}

DomainDef parse(const std::string& devices, const std::string& machine = "pc") {
  auto def = model::parseDomainXml(domainXml(devices, machine));
  EXPECT_TRUE(def) << def.error().text();
  return def ? *def : DomainDef{};
}

DomainDef assigned(const std::string& devices) {
  DomainDef def = parse(devices);
  auto r = assignPciAddresses(def);
  EXPECT_TRUE(r) << r.error().text();
  return def;
}

// "0x5", "0x1.0x2", "drive", "none".
std::string slot(const std::optional<DeviceAddress>& a) {
  if (!a)
    return "none";
  if (a->type != "pci")
    return a->type;
  char buf[32];
  if (a->function != 0)
    std::snprintf(buf, sizeof buf, "0x%x.0x%x", a->slot, a->function);
  else
    std::snprintf(buf, sizeof buf, "0x%x", a->slot);
  return std::string(a->pciBus != 0 ? "bus" + std::to_string(a->pciBus) + ":" : "") + buf;
}

const char* kNet1 = "<interface type='user'><mac address='52:54:00:00:00:01'/>";
const char* kNet2 = "<interface type='user'><mac address='52:54:00:00:00:02'/>";

TEST(QemuDomainAddress, EachKindInLibvirtsOrder) {
  DomainDef def = assigned(
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/a.img'/><target dev='vda' bus='virtio'/></disk>"
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/b.img'/><target dev='sda' bus='scsi'/></disk>"
      "<controller type='usb' index='0' model='qemu-xhci'/>"
      "<controller type='scsi' index='0' model='virtio-scsi'/>"
      "<controller type='virtio-serial' index='0'/>" +
      std::string(kNet1) + "<model type='virtio'/></interface>" + kNet2 + "<model type='e1000'/>" +
      pci("0x07") +
      "</interface><channel type='pty'><target type='virtio' name='a.b'/></channel>"
      "<input type='keyboard' bus='virtio'/><graphics type='vnc' port='5900' autoport='no'/>"
      "<sound model='ich6'/><sound model='sb16'/><video><model type='vga'/></video>"
      "<video><model type='qxl'/></video><watchdog model='i6300esb'/>"
      "<memballoon model='virtio'/>"
      "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>");
  ASSERT_EQ(def.disks.size(), 2u);
  EXPECT_EQ(slot(def.disks[0].address), "0x9");
  EXPECT_EQ(slot(def.disks[1].address), "drive");
  std::vector<std::string> controllers;
  for (const auto& c : def.controllers)
    controllers.push_back(c.type + "=" + slot(c.address));
  EXPECT_EQ(controllers, (std::vector<std::string>{"usb=0x5", "scsi=0x6", "virtio-serial=0x8"}));
  EXPECT_EQ(slot(def.nets[0].address), "0x3");
  EXPECT_EQ(slot(def.nets[1].address), "0x7");
  EXPECT_EQ(slot(def.sounds[0].address), "0x4");
  EXPECT_EQ(slot(def.sounds[1].address), "none");
  EXPECT_EQ(slot(def.videos[0].address), "0x2");
  EXPECT_EQ(slot(def.videos[1].address), "0xd");
  EXPECT_EQ(slot(def.watchdog->address), "0xc");
  EXPECT_EQ(slot(def.memballoon->address), "0xa");
  EXPECT_EQ(slot(def.rngs[0].address), "0xb");
  EXPECT_EQ(slot(def.inputs[0].address), "0xe");
}

// libvirt's boot-complex case: the PIIX3 controllers on slot 1, no video.
TEST(QemuDomainAddress, Piix3ControllersAndNoVideo) {
  DomainDef def = assigned(
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/vda.img'/><target dev='vda' bus='virtio'/></disk>"
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/vdb.img'/><target dev='vdb' bus='virtio'/></disk>"
      "<disk type='block' device='disk'><driver name='qemu' type='raw'/>"
      "<source dev='/dev/HostVG/hda'/><target dev='hda' bus='ide'/></disk>"
      "<disk type='block' device='floppy'><driver name='qemu' type='raw'/>"
      "<source dev='/dev/fd0'/><target dev='fda' bus='fdc'/></disk>"
      "<controller type='usb' index='0' model='piix3-uhci'/>"
      "<interface type='user'><mac address='00:11:22:33:44:11'/><model type='virtio'/>"
      "</interface><interface type='user'><mac address='00:11:22:33:44:22'/>"
      "<model type='virtio'/></interface><memballoon model='none'/>");
  EXPECT_EQ(slot(def.disks[0].address), "0x4");
  EXPECT_EQ(slot(def.disks[1].address), "0x5");
  EXPECT_EQ(slot(def.nets[0].address), "0x2");
  EXPECT_EQ(slot(def.nets[1].address), "0x3");
  for (const auto& c : def.controllers) {
    if (c.type == "usb")
      EXPECT_EQ(slot(c.address), "0x1.0x2");
    else if (c.type == "ide")
      EXPECT_EQ(slot(c.address), "0x1.0x1");
    else
      EXPECT_EQ(slot(c.address), "none") << c.type;
  }
  EXPECT_EQ(slot(def.memballoon->address), "none");
}

TEST(QemuDomainAddress, AddressesInTheDefinitionAreKeptAndSkipped) {
  // Slot 2 taken: the primary video takes the first free slot.
  DomainDef def = assigned(std::string(kNet1) + "<model type='virtio'/>" + pci("0x02") +
                           "</interface>" + kNet2 +
                           "<model type='virtio'/></interface><video><model type='vga'/>"
                           "</video><memballoon model='virtio'/>");
  EXPECT_EQ(slot(def.nets[0].address), "0x2");
  EXPECT_EQ(slot(def.videos[0].address), "0x3");
  EXPECT_EQ(slot(def.nets[1].address), "0x4");
  EXPECT_EQ(slot(def.memballoon->address), "0x5");

  def = assigned("<video><model type='vga'/>" + pci("0x05") + "</video>" + kNet2 +
                 "<model type='virtio'/></interface><memballoon model='virtio'/>");
  EXPECT_EQ(slot(def.videos[0].address), "0x5");
  EXPECT_EQ(slot(def.nets[0].address), "0x2");
  EXPECT_EQ(slot(def.memballoon->address), "0x3");

  // One function in use makes the whole slot unavailable.
  def = assigned(std::string(kNet1) + pci("0x03", "0x1") + "</interface>" + kNet2 +
                 "</interface><memballoon model='virtio'/>");
  EXPECT_EQ(slot(def.nets[0].address), "0x3.0x1");
  EXPECT_EQ(slot(def.nets[1].address), "0x2");
  EXPECT_EQ(slot(def.memballoon->address), "0x4");
}

TEST(QemuDomainAddress, ConflictsAndAFullBusAreRefusedAndLeaveTheDefinition) {
  DomainDef dup = parse(std::string(kNet1) + pci("0x04") + "</interface>" + kNet2 + pci("0x04") +
                        "</interface>");
  DomainDef before = dup;
  auto r = assignPciAddresses(dup);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlError);
  EXPECT_EQ(r.error().message, "Attempted double use of PCI Address 0000:00:04.0");
  EXPECT_EQ(dup, before);

  DomainDef ide = parse("<controller type='ide' index='0'>" + pci("0x04") + "</controller>");
  r = assignPciAddresses(ide);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "Primary IDE controller must have PCI address 0:0:1.1");

  std::string nets;
  for (int i = 10; i <= 40; ++i)  // 31 interfaces for the 30 free slots
    nets += "<interface type='user'><mac address='52:54:00:00:00:" + std::to_string(i) +
            "'/></interface>";
  DomainDef full = parse(nets);
  before = full;
  r = assignPciAddresses(full);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(r.error().message,
            "domain 'g1' needs more PCI slots than bus 0 has, and Virtus does not add PCI "
            "bridges");
  EXPECT_EQ(full, before);
}

TEST(QemuDomainAddress, OtherMachinesAreLeftToQemu) {
  DomainDef def = parse(std::string(kNet1) + "</interface>", "q35");
  DomainDef before = def;
  ASSERT_TRUE(assignPciAddresses(def));
  EXPECT_EQ(def, before);
}

// The -device lines libvirt 9.0 runs for these definitions (virsh domxml-to-native).
TEST(QemuDomainAddress, TheCommandLineCarriesTheAssignedAddresses) {
  DomainDef def = assigned(
      "<controller type='usb' index='0' model='piix3-uhci'/>"
      "<sound model='es1370'/><sound model='sb16'/><sound model='ac97'/>"
      "<sound model='ich6'/><sound model='ich9'/><memballoon model='virtio'/>");
  QemuLaunchPaths paths;
  paths.monitorSocket = "/run/g1/monitor.sock";
  auto cmd = buildQemuCommandLine(def, paths);
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> devices;
  for (std::size_t i = 0; i + 1 < cmd->argv.size(); ++i)
    if (cmd->argv[i] == "-device")
      devices.push_back(cmd->argv[i + 1]);
  std::vector<std::string> want{
      R"({"driver":"piix3-usb-uhci","id":"usb","bus":"pci.0","addr":"0x1.0x2"})",
      R"({"driver":"ES1370","id":"sound0","audiodev":"audio1","bus":"pci.0","addr":"0x2"})",
      R"({"driver":"sb16","id":"sound1","audiodev":"audio1"})",
      R"({"driver":"AC97","id":"sound2","audiodev":"audio1","bus":"pci.0","addr":"0x3"})",
      R"({"driver":"intel-hda","id":"sound3","bus":"pci.0","addr":"0x4"})",
      R"({"driver":"hda-duplex","id":"sound3-codec0","bus":"sound3.0","cad":0,)"
      R"("audiodev":"audio1"})",
      R"({"driver":"ich9-intel-hda","id":"sound4","bus":"pci.0","addr":"0x5"})",
      R"({"driver":"hda-duplex","id":"sound4-codec0","bus":"sound4.0","cad":0,)"
      R"("audiodev":"audio1"})",
      R"({"driver":"virtio-balloon-pci","id":"balloon0","bus":"pci.0","addr":"0x6"})"};
  EXPECT_EQ(devices, want);

  def = assigned(
      "<controller type='usb' index='0' model='piix3-uhci'/>"
      "<video><model type='virtio' heads='1' primary='yes'/></video><video><model type='qxl' "
      "ram='65536' vram='65536' vgamem='16384' heads='1'/></video><memballoon model='virtio'/>");
  cmd = buildQemuCommandLine(def, paths);
  ASSERT_TRUE(cmd) << cmd.error().text();
  devices.clear();
  for (std::size_t i = 0; i + 1 < cmd->argv.size(); ++i)
    if (cmd->argv[i] == "-device")
      devices.push_back(cmd->argv[i + 1]);
  want = {R"({"driver":"piix3-usb-uhci","id":"usb","bus":"pci.0","addr":"0x1.0x2"})",
          R"({"driver":"virtio-vga","id":"video0","max_outputs":1,"bus":"pci.0","addr":"0x2"})",
          R"({"driver":"qxl","id":"video1","max_outputs":1,"ram_size":67108864,)"
          R"("vram_size":67108864,"vram64_size_mb":0,"vgamem_mb":16,"bus":"pci.0",)"
          R"("addr":"0x4"})",
          R"({"driver":"virtio-balloon-pci","id":"balloon0","bus":"pci.0","addr":"0x3"})"};
  EXPECT_EQ(devices, want);
}

}  // namespace
}  // namespace virtus::qemu
