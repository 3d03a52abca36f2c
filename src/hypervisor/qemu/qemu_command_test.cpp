// Golden command lines of buildQemuCommandLine for definitions parsed from libvirt XML.
#include "hypervisor/qemu/qemu_command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/domain/domain_xml.h"

namespace virtus::qemu {
namespace {

const char* kUuid = "c7a5fdbd-edaf-9455-926a-d65c16db1809";

std::string domainXml(const std::string& devices, const std::string& extra = "",
                      const std::string& type = "qemu") {
  return "<domain type='" + type + "'><name>g1</name><uuid>" + kUuid +
         "</uuid><memory unit='KiB'>262144</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='pc'>hvm</type></os>" +
         extra + "<devices>" + devices + "</devices></domain>";
}

model::DomainDef parse(const std::string& xml) {
  auto def = model::parseDomainXml(xml);
  EXPECT_TRUE(def) << def.error().text();
  return def ? *def : model::DomainDef{};
}

QemuLaunchPaths paths() {
  QemuLaunchPaths p;
  p.monitorSocket = "/run/g1/monitor.sock";
  return p;
}

Result<QemuCommand> build(const std::string& xml, QemuLaunchPaths p = paths()) {
  return buildQemuCommandLine(parse(xml), p);
}

// The arguments from the first "-blockdev" or "-device" up to the audio backend: the disks
// (qemu_command_devices_test.cpp has the other devices).
std::vector<std::string> devices(const std::vector<std::string>& argv) {
  auto begin = std::find_if(argv.begin(), argv.end(), [](const std::string& a) {
    return a == "-blockdev" || a == "-device";
  });
  return {begin, std::find(begin, argv.end(), std::string("-audiodev"))};
}

TEST(QemuCommand, Minimal) {
  auto cmd = build(domainXml(""));
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "/usr/bin/qemu-system-x86_64",
      "-name",
      "guest=g1,debug-threads=on",
      "-S",
      "-machine",
      "pc,usb=off,dump-guest-core=off",
      "-accel",
      "tcg",
      "-cpu",
      "qemu64",
      "-m",
      "size=262144k",
      "-overcommit",
      "mem-lock=off",
      "-smp",
      "1,sockets=1,cores=1,threads=1",
      "-uuid",
      kUuid,
      "-display",
      "none",
      "-no-user-config",
      "-nodefaults",
      "-chardev",
      "socket,id=charmonitor,path=/run/g1/monitor.sock,server=on,wait=off",
      "-mon",
      "chardev=charmonitor,id=monitor,mode=control",
      "-rtc",
      "base=utc",
      "-no-shutdown",
      "-no-acpi",
      "-boot",
      "strict=on",
      "-audiodev",
      R"({"id":"audio1","driver":"none"})",
      "-sandbox",
      "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
      "-msg",
      "timestamp=on"};
  EXPECT_EQ(cmd->argv, want);
  EXPECT_TRUE(cmd->diskNodeNames.empty());
}

TEST(QemuCommand, KvmKernelBootCpuClockAndConsoleLog) {
  std::string xml =
      "<domain type='kvm'><name>a,b</name><uuid>" + std::string(kUuid) +
      "</uuid><memory unit='MiB'>512</memory><vcpu current='1'>2</vcpu>"
      "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><kernel>/b/vmlinuz</kernel>"
      "<initrd>/b/initrd.img</initrd><cmdline>console=ttyS0 quiet</cmdline></os>"
      "<features><acpi/></features><cpu mode='host-passthrough'/>"
      "<clock offset='localtime'/><on_reboot>destroy</on_reboot>"
      "<devices><emulator>/opt/qemu</emulator></devices></domain>";
  QemuLaunchPaths p = paths();
  p.consoleLogPath = "/var/log/g,1.log";
  auto cmd = build(xml, p);
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "/opt/qemu",
      "-name",
      "guest=a,,b,debug-threads=on",
      "-S",
      "-machine",
      "pc-q35-7.2,usb=off,dump-guest-core=off",
      "-accel",
      "kvm",
      "-cpu",
      "host,migratable=on",
      "-m",
      "size=524288k",
      "-overcommit",
      "mem-lock=off",
      "-smp",
      "1,maxcpus=2,sockets=2,cores=1,threads=1",
      "-uuid",
      kUuid,
      "-display",
      "none",
      "-no-user-config",
      "-nodefaults",
      "-chardev",
      "socket,id=charmonitor,path=/run/g1/monitor.sock,server=on,wait=off",
      "-mon",
      "chardev=charmonitor,id=monitor,mode=control",
      "-rtc",
      "base=localtime",
      "-no-shutdown",
      "-no-reboot",
      "-boot",
      "strict=on",
      "-kernel",
      "/b/vmlinuz",
      "-initrd",
      "/b/initrd.img",
      "-append",
      "console=ttyS0 quiet",
      "-chardev",
      "file,id=charserial0,path=/var/log/g,,1.log",
      "-device",
      R"({"driver":"isa-serial","chardev":"charserial0","id":"serial0","index":0})",
      "-audiodev",
      R"({"id":"audio1","driver":"none"})",
      "-sandbox",
      "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
      "-msg",
      "timestamp=on"};
  EXPECT_EQ(cmd->argv, want);
  QemuLaunchPaths override = p;
  override.emulator = "/usr/local/bin/qemu";
  auto cmd2 = build(xml, override);
  ASSERT_TRUE(cmd2);
  EXPECT_EQ(cmd2->argv[0], "/usr/local/bin/qemu");
}

TEST(QemuCommand, RawAndQcow2VirtioDisks) {
  auto cmd = build(domainXml(
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/a.raw'/><target dev='vda' bus='virtio'/><serial>s-1</serial></disk>"
      "<disk type='block' device='disk'><driver name='qemu' type='qcow2' cache='none' "
      "io='native' discard='unmap' detect_zeroes='unmap'/>"
      "<source dev='/dev/sdz'/><target dev='vdb' bus='virtio'/>"
      "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></disk>"));
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"file","filename":"/i/a.raw","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-2-format","read-only":false,"driver":"raw","file":"libvirt-2-storage"})",
      "-device",
      R"({"driver":"virtio-blk-pci","drive":"libvirt-2-format","id":"virtio-disk0","bootindex":1,"serial":"s-1"})",
      "-blockdev",
      R"({"driver":"host_device","filename":"/dev/sdz","aio":"native","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap","cache":{"direct":true,"no-flush":false}})",
      "-blockdev",
      R"({"node-name":"libvirt-1-format","read-only":false,"discard":"unmap","detect-zeroes":"unmap","cache":{"direct":true,"no-flush":false},"driver":"qcow2","file":"libvirt-1-storage"})",
      "-device",
      R"({"driver":"virtio-blk-pci","bus":"pci.0","addr":"0x5","drive":"libvirt-1-format","id":"virtio-disk1","write-cache":"on"})"};
  EXPECT_EQ(devices(cmd->argv), want);
  EXPECT_EQ(cmd->diskNodeNames, (std::vector<std::string>{"libvirt-2-format", "libvirt-1-format"}));
  EXPECT_EQ(cmd->diskAliases, (std::vector<std::string>{"virtio-disk0", "virtio-disk1"}));
}

TEST(QemuCommand, CdromAndDiskOnVirtioScsiWithBootOrder) {
  auto cmd = build(domainXml(
      "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
      "<source file='/i/cd.iso'/><target dev='sda' bus='scsi'/><readonly/><boot order='1'/></disk>"
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/d.raw'/><target dev='sdb' bus='scsi'/><boot order='2'/></disk>"
      "<disk type='file' device='cdrom'><target dev='sdc' bus='scsi'/><readonly/></disk>"
      "<controller type='scsi' index='0' model='virtio-scsi'/>"));
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-device",
      R"({"driver":"virtio-scsi-pci","id":"scsi0"})",
      "-blockdev",
      R"({"driver":"file","filename":"/i/cd.iso","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-2-format","read-only":true,"driver":"raw","file":"libvirt-2-storage"})",
      "-device",
      R"({"driver":"scsi-cd","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":0,"drive":"libvirt-2-format","id":"scsi0-0-0-0","bootindex":1})",
      "-blockdev",
      R"({"driver":"file","filename":"/i/d.raw","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-1-format","read-only":false,"driver":"raw","file":"libvirt-1-storage"})",
      "-device",
      R"({"driver":"scsi-hd","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":1,"drive":"libvirt-1-format","id":"scsi0-0-0-1","bootindex":2})",
      "-device",
      R"({"driver":"scsi-cd","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":2,"id":"scsi0-0-0-2"})"};
  EXPECT_EQ(devices(cmd->argv), want);
  EXPECT_EQ(cmd->diskNodeNames,
            (std::vector<std::string>{"libvirt-2-format", "libvirt-1-format", ""}));
}

TEST(QemuCommand, IdeCdromOnPcAndReadonlyDisk) {
  auto cmd = build(
      domainXml("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                "<source file='/i/ro.qcow2'/><target dev='vda' bus='virtio'/><readonly/></disk>"
                "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
                "<source file='/i/cd.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>"));
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"file","filename":"/i/ro.qcow2","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-2-format","read-only":true,"driver":"qcow2","file":"libvirt-2-storage"})",
      "-device",
      R"({"driver":"virtio-blk-pci","drive":"libvirt-2-format","id":"virtio-disk0","bootindex":1})",
      "-blockdev",
      R"({"driver":"file","filename":"/i/cd.iso","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-1-format","read-only":true,"driver":"raw","file":"libvirt-1-storage"})",
      "-device",
      R"({"driver":"ide-cd","bus":"ide.1","unit":0,"drive":"libvirt-1-format","id":"ide0-1-0"})"};
  EXPECT_EQ(devices(cmd->argv), want);
}

TEST(QemuCommand, AShareableDiskLetsOtherProcessesWriteItsImage) {
  auto cmd =
      build(domainXml("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                      "<source file='/i/cluster.img'/><target dev='vda' bus='virtio'/><shareable/>"
                      "</disk>"
                      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                      "<source file='/i/ro.img'/><target dev='vdb' bus='virtio'/><shareable/>"
                      "<readonly/></disk>"));
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> disks;
  for (const auto& arg : devices(cmd->argv))
    if (arg.find("virtio-blk-pci") != std::string::npos)
      disks.push_back(arg);
  // libvirt 9.0's order: share-rw before drive; not for a read-only disk.
  EXPECT_EQ(
      disks,
      (std::vector<std::string>{
          R"({"driver":"virtio-blk-pci","share-rw":true,"drive":"libvirt-2-format","id":"virtio-disk0","bootindex":1})",
          R"({"driver":"virtio-blk-pci","drive":"libvirt-1-format","id":"virtio-disk1"})"}));
}

TEST(QemuCommand, BackingChainIsNestedBottomFirstWithExplicitFormats) {
  auto cmd = build(
      domainXml("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                "<source file='/i/top.qcow2'/>"
                "<backingStore type='file'><format type='qcow2'/><source file='/i/mid.qcow2'/>"
                "<backingStore type='block'><format type='raw'/><source dev='/dev/base'/>"
                "<backingStore/></backingStore></backingStore>"
                "<target dev='vda' bus='virtio'/></disk>"));
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"host_device","filename":"/dev/base","node-name":"libvirt-3-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-3-format","read-only":true,"driver":"raw","file":"libvirt-3-storage","backing":null})",
      "-blockdev",
      R"({"driver":"file","filename":"/i/mid.qcow2","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-2-format","read-only":true,"driver":"qcow2","file":"libvirt-2-storage","backing":"libvirt-3-format"})",
      "-blockdev",
      R"({"driver":"file","filename":"/i/top.qcow2","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-1-format","read-only":false,"driver":"qcow2","file":"libvirt-1-storage","backing":"libvirt-2-format"})",
      "-device",
      R"({"driver":"virtio-blk-pci","drive":"libvirt-1-format","id":"virtio-disk0","bootindex":1})"};
  EXPECT_EQ(devices(cmd->argv), want);
}

void expectUnsupported(const Result<QemuCommand>& cmd, const std::string& message) {
  ASSERT_FALSE(cmd);
  EXPECT_EQ(cmd.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(cmd.error().domain, ErrorDomain::Qemu);
  EXPECT_EQ(cmd.error().message, message);
}

TEST(QemuCommand, DiskWithoutFormatIsRefused) {
  expectUnsupported(build(domainXml("<disk type='file' device='disk'><source file='/i/a.img'/>"
                                    "<target dev='vda' bus='virtio'/></disk>")),
                    "disk 'vda' has no format: Virtus never lets QEMU probe one, give it with "
                    "<driver type='raw|qcow2|...'/> (or <format type=.../> in a <backingStore>)");
  // A backing layer without a format too.
  expectUnsupported(
      build(domainXml("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                      "<source file='/i/a.qcow2'/><backingStore type='file'>"
                      "<source file='/i/b.img'/></backingStore>"
                      "<target dev='vda' bus='virtio'/></disk>")),
      "disk 'vda' has no format: Virtus never lets QEMU probe one, give it with "
      "<driver type='raw|qcow2|...'/> (or <format type=.../> in a <backingStore>)");
}

TEST(QemuCommand, VolumeNetworkAndDirDisksAreRefused) {
  expectUnsupported(
      build(domainXml("<disk type='volume' device='disk'><driver name='qemu' type='raw'/>"
                      "<source pool='p' volume='v'/><target dev='vda' bus='virtio'/></disk>")),
      "disks of type 'volume' must be resolved to a path by the storage driver before the "
      "command line is built (disk 'vda')");
  expectUnsupported(
      build(domainXml("<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
                      "<source protocol='sheepdog' name='x'><host name='h'/></source>"
                      "<target dev='vda' bus='virtio'/></disk>")),
      "disk 'vda' uses network protocol 'sheepdog', which QEMU no longer has (its driver was "
      "removed in QEMU 6.0)");
  expectUnsupported(
      build(domainXml("<disk type='dir' device='disk'><driver name='qemu' type='fat'/>"
                      "<source dir='/srv'/><target dev='vda' bus='virtio'/></disk>")),
      "disk 'vda' of type 'dir' is not supported by Virtus' QEMU driver");
}

TEST(QemuCommand, OtherRefusals) {
  std::string q35 = domainXml(
      "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
      "<source file='/i/c.iso'/><target dev='hdc' bus='ide'/></disk>");
  q35.replace(q35.find("machine='pc'"), 12, "machine='q35'");
  expectUnsupported(build(q35),
                    "disk 'hdc': IDE is only available on the 'pc' (i440fx) machine types, not "
                    "on 'q35'");
  expectUnsupported(build(domainXml("", "<cpu mode='host-passthrough'/>")),
                    "CPU mode 'host-passthrough' needs a domain of type 'kvm', not 'qemu'");
  expectUnsupported(build(domainXml("<interface type='bridge'><source bridge='br0'/>"
                                    "</interface>")),
                    "interface type 'bridge' is not supported by Virtus' QEMU driver: it needs "
                    "a tap device on a host bridge, which Virtus does not create yet (use type "
                    "'user')");
  expectUnsupported(
      build(domainXml("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                      "<source file='/i/a'/><target dev='sda' bus='scsi'/></disk>"
                      "<controller type='scsi' index='0' model='lsilogic'/>")),
      "SCSI controller model 'lsilogic' is not supported by Virtus' QEMU driver (use "
      "'virtio-scsi')");
  QemuLaunchPaths none;
  auto noMonitor = build(domainXml(""), none);
  ASSERT_FALSE(noMonitor);
  EXPECT_EQ(noMonitor.error().code, ErrorCode::InternalError);
}

TEST(QemuCommand, LegacyBootOrderGoesToTheFirstDiskOfEachKind) {
  auto cmd =
      build(domainXml("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                      "<source file='/i/a'/><target dev='vda' bus='virtio'/></disk>"
                      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                      "<source file='/i/b'/><target dev='vdb' bus='virtio'/></disk>"
                      "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
                      "<source file='/i/c'/><target dev='hdc' bus='ide'/><readonly/></disk>"));
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::string all;
  for (auto& a : cmd->argv)
    all += a + "\n";
  // Default <boot dev='hd'/>: only the first disk boots.
  EXPECT_NE(all.find(R"("id":"virtio-disk0","bootindex":1)"), std::string::npos) << all;
  EXPECT_EQ(all.find(R"("id":"virtio-disk1","bootindex")"), std::string::npos) << all;
  EXPECT_EQ(all.find(R"("id":"ide0-1-0","bootindex")"), std::string::npos) << all;

  std::string cdFirst = domainXml(
      "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
      "<source file='/i/a'/><target dev='vda' bus='virtio'/></disk>"
      "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
      "<source file='/i/c'/><target dev='hdc' bus='ide'/><readonly/></disk>");
  cdFirst.replace(cdFirst.find("</os>"), 5, "<boot dev='cdrom'/><boot dev='hd'/></os>");
  auto cmd2 = build(cdFirst);
  ASSERT_TRUE(cmd2) << cmd2.error().text();
  all.clear();
  for (auto& a : cmd2->argv)
    all += a + "\n";
  EXPECT_NE(all.find(R"("id":"ide0-1-0","bootindex":1)"), std::string::npos) << all;
  EXPECT_NE(all.find(R"("id":"virtio-disk0","bootindex":2)"), std::string::npos) << all;
}

}  // namespace
}  // namespace virtus::qemu
