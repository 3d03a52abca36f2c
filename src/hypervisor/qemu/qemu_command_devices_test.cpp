// Golden arguments of the interfaces, displays, video, inputs, channels, sound, watchdog and
// rng devices, as libvirt 9.0 emits them for the same definitions (qemuxml2argvdata
// *.x86_64-latest.args: net-user, graphics-vnc, sound-device, watchdog, virtio-rng-random...).
// PCI addresses are written in the definitions where libvirt would have assigned them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hypervisor/qemu/qemu_command.h"
#include "model/domain/domain_xml.h"

namespace virtus::qemu {
namespace {

using Args = std::vector<std::string>;

std::string domainXml(const std::string& devices, const std::string& os = "") {
  return "<domain type='qemu'><name>g1</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
         "<memory unit='KiB'>262144</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='pc'>hvm</type>" +
         os + "</os><devices>" + devices + "</devices></domain>";
}

std::string pci(unsigned slot) {
  return "<address type='pci' domain='0x0000' bus='0x00' slot='" + std::to_string(slot) +
         "' function='0x0'/>";
}

Result<QemuCommand> build(const std::string& devices, PortAllocator ports = nullptr,
                          const std::string& os = "") {
  auto def = model::parseDomainXml(domainXml(devices, os));
  EXPECT_TRUE(def) << def.error().text();
  if (!def)
    return def.error();
  QemuLaunchPaths p;
  p.monitorSocket = "/run/g1/monitor.sock";
  p.allocatePort = std::move(ports);
  return buildQemuCommandLine(*def, p);
}

// The arguments after "-boot strict=on" up to "-sandbox": the devices.
Args devices(const Args& argv) {
  auto boot = std::find(argv.begin(), argv.end(), std::string("strict=on"));
  EXPECT_NE(boot, argv.end());
  return {boot + 1, std::find(boot, argv.end(), std::string("-sandbox"))};
}

Args buildDevices(const std::string& xml, PortAllocator ports = nullptr,
                  const std::string& os = "") {
  auto cmd = build(xml, std::move(ports), os);
  EXPECT_TRUE(cmd) << cmd.error().text();
  return cmd ? devices(cmd->argv) : Args{};
}

std::string refusal(const std::string& xml, PortAllocator ports = nullptr) {
  auto cmd = build(xml, std::move(ports));
  EXPECT_FALSE(cmd);
  if (cmd)
    return "";
  return cmd.error().text();
}

const char* kNoAudio = R"({"id":"audio1","driver":"none"})";

bool has(const Args& argv, const std::string& a) {
  return std::find(argv.begin(), argv.end(), a) != argv.end();
}

// net-user.x86_64-latest.args
TEST(QemuCommandDevices, UserInterface) {
  auto cmd = build(
      "<interface type='user'><mac address='00:11:22:33:44:55'/>"
      "<model type='rtl8139'/>" +
      pci(2) + "</interface>");
  ASSERT_TRUE(cmd) << cmd.error().text();
  Args want{"-netdev",
            R"({"type":"user","id":"hostnet0"})",
            "-device",
            R"({"driver":"rtl8139","netdev":"hostnet0","id":"net0","mac":"00:11:22:33:44:55",)"
            R"("bus":"pci.0","addr":"0x2"})",
            "-audiodev",
            kNoAudio};
  EXPECT_EQ(devices(cmd->argv), want);
  EXPECT_EQ(cmd->netAliases, Args{"net0"});
  EXPECT_TRUE(has(cmd->argv, "-display"));  // no graphics: -display none
}

TEST(QemuCommandDevices, VirtioAndE1000WithBootOrder) {
  Args got = buildDevices(
      "<interface type='user'><mac address='52:54:00:e5:48:58'/><model type='virtio'/>"
      "<boot order='1'/>" +
      pci(3) +
      "</interface><interface type='user'><mac address='52:54:00:e5:48:59'/>"
      "<model type='e1000'/>" +
      pci(4) + "</interface>");
  Args want{"-netdev",
            R"({"type":"user","id":"hostnet0"})",
            "-device",
            R"({"driver":"virtio-net-pci","netdev":"hostnet0","id":"net0",)"
            R"("mac":"52:54:00:e5:48:58","bootindex":1,"bus":"pci.0","addr":"0x3"})",
            "-netdev",
            R"({"type":"user","id":"hostnet1"})",
            "-device",
            R"({"driver":"e1000","netdev":"hostnet1","id":"net1","mac":"52:54:00:e5:48:59",)"
            R"("bus":"pci.0","addr":"0x4"})",
            "-audiodev",
            kNoAudio};
  EXPECT_EQ(got, want);
}

TEST(QemuCommandDevices, LegacyNetworkBootGoesToTheFirstInterfaceAfterTheDisk) {
  Args got = buildDevices(
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/a.img'/><target dev='vda' bus='virtio'/></disk>"
      "<interface type='user'><mac address='52:54:00:00:00:01'/><model type='virtio'/>"
      "</interface><interface type='user'><mac address='52:54:00:00:00:02'/>"
      "<model type='virtio'/></interface>",
      nullptr, "<boot dev='hd'/><boot dev='network'/>");
  ASSERT_EQ(got.size(), 16u);
  EXPECT_NE(got[5].find(R"("bootindex":1)"), std::string::npos) << got[5];
  EXPECT_NE(got[9].find(R"("mac":"52:54:00:00:00:01","bootindex":2})"), std::string::npos)
      << got[9];
  EXPECT_EQ(got[13].find("bootindex"), std::string::npos) << got[13];
}

TEST(QemuCommandDevices, InterfaceRefusals) {
  EXPECT_EQ(refusal("<interface type='network'><source network='default'/></interface>"),
            "unsupported configuration: interface type 'network' is not supported by Virtus' "
            "QEMU driver: it needs a tap device on a host bridge, which Virtus does not create "
            "yet (use type 'user')");
  EXPECT_EQ(refusal("<interface type='bridge'><source bridge='br0'/></interface>"),
            "unsupported configuration: interface type 'bridge' is not supported by Virtus' "
            "QEMU driver: it needs a tap device on a host bridge, which Virtus does not create "
            "yet (use type 'user')");
  EXPECT_EQ(refusal("<interface type='user'><model type='ne2k_pci'/></interface>"),
            "unsupported configuration: interface model 'ne2k_pci' is not supported by Virtus' "
            "QEMU driver (use 'virtio', 'e1000', 'e1000e' or 'rtl8139')");
}

// graphics-vnc.x86_64-latest.args (a fixed port on an IPv6 address)
TEST(QemuCommandDevices, VncOnAFixedPortAndIpv6Address) {
  auto cmd = build(
      "<graphics type='vnc' port='5903' autoport='no' "
      "listen='2001:1:2:3:4:5:1234:1234'/><video><model type='cirrus'/>" +
      pci(2) + "</video>");
  ASSERT_TRUE(cmd) << cmd.error().text();
  Args want{"-audiodev", R"({"id":"audio1","driver":"none"})",
            "-vnc",      "[2001:1:2:3:4:5:1234:1234]:3,audiodev=audio1",
            "-device",   R"({"driver":"cirrus-vga","id":"video0","bus":"pci.0","addr":"0x2"})"};
  EXPECT_EQ(devices(cmd->argv), want);
  EXPECT_FALSE(has(cmd->argv, "-display"));
  EXPECT_EQ(cmd->graphicsPorts, std::vector<int>{5903});
}

TEST(QemuCommandDevices, VncAutoportAsksTheAllocatorFrom5900) {
  std::vector<int> asked;
  auto allocator = [&](int first) -> Result<int> {
    asked.push_back(first);
    return 5907;
  };
  auto cmd = build(
      "<graphics type='vnc' autoport='yes' keymap='de' sharePolicy='force-shared'/>"
      "<video><model type='vga'/>" +
          pci(2) + "</video>",
      allocator);
  ASSERT_TRUE(cmd) << cmd.error().text();
  Args want{
      "-audiodev", R"({"id":"audio1","driver":"none"})",
      "-vnc",      "127.0.0.1:7,share=force-shared,audiodev=audio1",
      "-k",        "de",
      "-device",   R"({"driver":"VGA","id":"video0","vgamem_mb":16,"bus":"pci.0","addr":"0x2"})"};
  EXPECT_EQ(devices(cmd->argv), want);
  EXPECT_EQ(asked, std::vector<int>{5900});
  EXPECT_EQ(cmd->graphicsPorts, std::vector<int>{5907});
}

TEST(QemuCommandDevices, VncWithoutListeningAndItsRefusals) {
  Args got = buildDevices(
      "<graphics type='vnc'><listen type='none'/></graphics>"
      "<video><model type='none'/></video>");
  Args want{"-audiodev", R"({"id":"audio1","driver":"none"})", "-vnc", "none,audiodev=audio1"};
  EXPECT_EQ(got, want);

  EXPECT_EQ(refusal("<graphics type='vnc' autoport='yes'/>"),
            "internal error: no port allocator was given for the vnc display");
  auto failing = [](int) -> Result<int> {
    return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                     "Unable to find an unused port in range 'display' (5900-65535)");
  };
  EXPECT_EQ(refusal("<graphics type='vnc' autoport='yes'/>", failing),
            "internal error: Unable to find an unused port in range 'display' (5900-65535)");
  // A refused definition reserves no port.
  int calls = 0;
  auto counting = [&](int first) -> Result<int> {
    ++calls;
    return first;
  };
  EXPECT_EQ(refusal("<graphics type='vnc' autoport='yes'/><sound model='pcspk'/>", counting),
            "unsupported configuration: sound model 'pcspk' is not supported by Virtus' QEMU "
            "driver");
  EXPECT_EQ(refusal("<graphics type='vnc' autoport='yes'/>"
                    "<graphics type='spice' autoport='yes' passwd='s'/>",
                    counting),
            "unsupported configuration: a spice password is not supported by Virtus' QEMU "
            "driver yet");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(refusal("<graphics type='vnc' port='5900' autoport='no' passwd='secret'/>"),
            "unsupported configuration: a vnc password is not supported by Virtus' QEMU driver "
            "yet");
}

// The spice + qxl pair of libvirt's graphics-spice cases without TLS.
TEST(QemuCommandDevices, SpiceWithQxl) {
  auto allocator = [](int first) -> Result<int> { return first; };
  Args got = buildDevices(
      "<graphics type='spice' autoport='yes'/><video><model type='qxl' ram='65536' "
      "vram='65536' vgamem='16384' heads='1' primary='yes'/>" +
          pci(2) + "</video>",
      allocator);
  Args want{"-audiodev",
            R"({"id":"audio1","driver":"spice"})",
            "-spice",
            "port=5900,addr=127.0.0.1,disable-ticketing=on,seamless-migration=on",
            "-device",
            R"({"driver":"qxl-vga","id":"video0","max_outputs":1,"ram_size":67108864,)"
            R"("vram_size":67108864,"vram64_size_mb":0,"vgamem_mb":16,"bus":"pci.0",)"
            R"("addr":"0x2"})"};
  EXPECT_EQ(got, want);
}

TEST(QemuCommandDevices, VideoModels) {
  Args got = buildDevices("<video><model type='virtio' heads='1' primary='yes'/>" + pci(2) +
                          "</video><video><model type='qxl' ram='65536' vram='65536' "
                          "vgamem='16384' heads='1'/>" +
                          pci(3) + "</video>");
  Args want{"-audiodev",
            kNoAudio,
            "-device",
            R"({"driver":"virtio-vga","id":"video0","max_outputs":1,"bus":"pci.0",)"
            R"("addr":"0x2"})",
            "-device",
            R"({"driver":"qxl","id":"video1","max_outputs":1,"ram_size":67108864,)"
            R"("vram_size":67108864,"vram64_size_mb":0,"vgamem_mb":16,"bus":"pci.0",)"
            R"("addr":"0x3"})"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(refusal("<video><model type='virtio'/></video><video><model type='vga'/></video>"),
            "unsupported configuration: video model 'vga' is only valid as the primary video "
            "device");
}

TEST(QemuCommandDevices, InputsOnUsbVirtioAndPs2) {
  Args got = buildDevices(
      "<controller type='usb' index='0' model='piix3-uhci'>"
      "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>"
      "</controller><input type='tablet' bus='usb'/><input type='keyboard' bus='virtio'>" +
      pci(5) +
      "</input><input type='mouse' bus='ps2'/><input type='keyboard' bus='usb'/>"
      "<input type='keyboard' bus='ps2'/>");
  Args want{
      "-device",   R"({"driver":"piix3-usb-uhci","id":"usb","bus":"pci.0","addr":"0x1.0x2"})",
      "-device",   R"({"driver":"usb-tablet","id":"input0","bus":"usb.0","port":"1"})",
      "-device",   R"({"driver":"virtio-keyboard-pci","id":"input1","bus":"pci.0","addr":"0x5"})",
      "-device",   R"({"driver":"usb-kbd","id":"input3","bus":"usb.0","port":"2"})",
      "-audiodev", kNoAudio};
  EXPECT_EQ(got, want);
  EXPECT_EQ(refusal("<input type='tablet' bus='usb'/>"),
            "unsupported configuration: USB input device 'tablet' needs a USB controller");
}

// sound-device.x86_64-latest.args (ids from sound0: the definition has no pcspk first)
TEST(QemuCommandDevices, SoundDevicesNameTheNoneAudioBackend) {
  Args got = buildDevices("<sound model='ac97'>" + pci(3) + "</sound><sound model='ich6'>" +
                          pci(4) + "</sound><sound model='ich9'>" + pci(6) + "</sound>");
  Args want{"-audiodev",
            R"({"id":"audio1","driver":"none"})",
            "-device",
            R"({"driver":"AC97","id":"sound0","audiodev":"audio1","bus":"pci.0","addr":"0x3"})",
            "-device",
            R"({"driver":"intel-hda","id":"sound1","bus":"pci.0","addr":"0x4"})",
            "-device",
            R"({"driver":"hda-duplex","id":"sound1-codec0","bus":"sound1.0","cad":0,)"
            R"("audiodev":"audio1"})",
            "-device",
            R"({"driver":"ich9-intel-hda","id":"sound2","bus":"pci.0","addr":"0x6"})",
            "-device",
            R"({"driver":"hda-duplex","id":"sound2-codec0","bus":"sound2.0","cad":0,)"
            R"("audiodev":"audio1"})"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(refusal("<sound model='pcspk'/>"),
            "unsupported configuration: sound model 'pcspk' is not supported by Virtus' QEMU "
            "driver");
}

// watchdog.x86_64-latest.args
TEST(QemuCommandDevices, Watchdogs) {
  EXPECT_EQ(buildDevices("<watchdog model='ib700' action='poweroff'/>"),
            (Args{"-audiodev", kNoAudio, "-device", R"({"driver":"ib700","id":"watchdog0"})",
                  "-watchdog-action", "poweroff"}));
  EXPECT_EQ(buildDevices("<watchdog model='i6300esb'>" + pci(3) + "</watchdog>"),
            (Args{"-audiodev", kNoAudio, "-device",
                  R"({"driver":"i6300esb","id":"watchdog0","bus":"pci.0","addr":"0x3"})",
                  "-watchdog-action", "reset"}));
  EXPECT_EQ(refusal("<watchdog model='i6300esb' action='dump'/>"),
            "unsupported configuration: watchdog action 'dump' is not supported by Virtus' QEMU "
            "driver yet");
}

// virtio-rng-random.x86_64-latest.args
TEST(QemuCommandDevices, RandomNumberGenerator) {
  Args got = buildDevices("<rng model='virtio'><backend model='random'>/dev/urandom</backend>" +
                          pci(7) + "</rng>");
  Args want{"-audiodev",
            kNoAudio,
            "-object",
            R"({"qom-type":"rng-random","id":"objrng0","filename":"/dev/urandom"})",
            "-device",
            R"({"driver":"virtio-rng-pci","rng":"objrng0","id":"rng0","bus":"pci.0",)"
            R"("addr":"0x7"})"};
  EXPECT_EQ(got, want);
}

// channel-virtio.x86_64-latest.args, with a path instead of libvirt's passed descriptor.
TEST(QemuCommandDevices, VirtioSerialChannels) {
  Args got = buildDevices(
      "<controller type='virtio-serial' index='0'>" + pci(4) +
      "</controller><channel type='unix'><source mode='bind' path='/var/lib/g1/qga.sock'/>"
      "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
      "<channel type='pty'><target type='virtio' name='org.example.0'/></channel>");
  Args want{"-device",
            R"({"driver":"virtio-serial-pci","id":"virtio-serial0","bus":"pci.0","addr":"0x4"})",
            "-chardev",
            "socket,id=charchannel0,path=/var/lib/g1/qga.sock,server=on,wait=off",
            "-device",
            R"({"driver":"virtserialport","bus":"virtio-serial0.0","nr":1,)"
            R"("chardev":"charchannel0","id":"channel0","name":"org.qemu.guest_agent.0"})",
            "-chardev",
            "pty,id=charchannel1",
            "-device",
            R"({"driver":"virtserialport","bus":"virtio-serial0.0","nr":2,)"
            R"("chardev":"charchannel1","id":"channel1","name":"org.example.0"})",
            "-audiodev",
            kNoAudio};
  EXPECT_EQ(got, want);
}

// libvirt's order: disks, interfaces, serials, channels, inputs, audio, displays, video,
// sound, watchdog, balloon, rng.
TEST(QemuCommandDevices, EverythingInLibvirtsOrder) {
  auto allocator = [](int first) -> Result<int> { return first; };
  Args got = buildDevices(
      "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
      "<memballoon model='virtio'/><watchdog model='ib700'/><sound model='ac97'/>"
      "<video><model type='vga'/></video><graphics type='vnc' autoport='yes'/>"
      "<controller type='usb' index='0' model='qemu-xhci'/><input type='tablet' bus='usb'/>"
      "<channel type='pty'><target type='virtio' name='a.b'/></channel>"
      "<serial type='pty'/><interface type='user'><mac address='52:54:00:00:00:01'/>"
      "<model type='virtio'/></interface>",
      allocator);
  std::vector<std::string> firsts;
  for (std::size_t i = 0; i + 1 < got.size(); i += 2) {
    std::string v = got[i + 1];
    std::string key = got[i] == "-device" ? v.substr(11, v.find('"', 11) - 11) : got[i];
    firsts.push_back(key);
  }
  std::vector<std::string> want{"qemu-xhci",
                                "virtio-serial-pci",
                                "-netdev",
                                "virtio-net-pci",
                                "-chardev",
                                "isa-serial",
                                "-chardev",
                                "virtserialport",
                                "usb-tablet",
                                "-audiodev",
                                "-vnc",
                                "VGA",
                                "AC97",
                                "ib700",
                                "-watchdog-action",
                                "virtio-balloon-pci",
                                "-object",
                                "virtio-rng-pci"};
  EXPECT_EQ(firsts, want);
}

}  // namespace
}  // namespace virtus::qemu
