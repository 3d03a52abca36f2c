// Golden -blockdev arguments of network disks against libvirt 9.0's qemuxml2argv outputs
// (tests/qemuxml2argvdata/disk-network-*.x86_64-latest.args) for the same definitions.
// Where Virtus differs from libvirt on purpose, the test says so: secrets are -object secret
// with a file instead of AES-encrypted data, and devices without a <address> carry none.
#include "hypervisor/qemu/qemu_command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hypervisor/qemu/qemu_command_disk.h"
#include "hypervisor/qemu/qemu_command_network.h"
#include "model/domain/domain_xml.h"

namespace virtus::qemu {
namespace {

std::string domainXml(const std::string& devices) {
  return "<domain type='qemu'><name>QEMUGuest1</name>"
         "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
         "<memory unit='KiB'>219136</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>" +
         devices + "</devices></domain>";
}

model::DomainDef parse(const std::string& xml) {
  auto def = model::parseDomainXml(xml);
  EXPECT_TRUE(def) << def.error().text();
  return def ? *def : model::DomainDef{};
}

// Secret values by usage name, and every reference the builder asked for.
struct FakeSecrets {
  std::vector<model::DiskSecretRef> asked;
  QemuLaunchPaths paths() {
    QemuLaunchPaths p;
    p.monitorSocket = "/run/g/monitor.sock";
    p.secretDir = "/run/g/secrets";
    p.secretValue = [this](const model::DiskSecretRef& ref) -> Result<std::string> {
      asked.push_back(ref);
      if (ref.usage == "mycluster_myname")
        return std::string(
            "AQ\x00\xff"
            "key-1",
            9);
      if (ref.usage == "client.admin secret")
        return std::string("admin-key");
      return makeError(ErrorCode::NoSecret, ErrorDomain::Secret,
                       "secret not found: no secret with matching usage '" + ref.usage + "'");
    };
    return p;
  }
};

Result<QemuCommand> build(const std::string& devices, QemuLaunchPaths paths) {
  return buildQemuCommandLine(parse(domainXml(devices)), paths);
}

// The -object and -blockdev arguments, in order: what libvirt's golden files pin down.
std::vector<std::string> blockArgs(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "-object" || argv[i] == "-blockdev") {
      out.push_back(argv[i]);
      out.push_back(argv[i + 1]);
    }
  return out;
}

std::vector<std::string> deviceArgs(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "-device" && argv[i + 1].find("\"drive\"") != std::string::npos)
      out.push_back(argv[i + 1]);
  return out;
}

std::string raw(const std::string& node) {
  return R"({"node-name":")" + node + R"(-format","read-only":false,"driver":"raw","file":")" +
         node + R"(-storage"})";
}

std::string secretObject(const std::string& id) {
  return R"({"qom-type":"secret","id":")" + id + R"(","format":"raw","file":"/run/g/secrets/)" +
         id + R"("})";
}

TEST(NetworkDisk, NbdAsLibvirt) {
  FakeSecrets secrets;
  auto cmd = build(
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='nbd'><host name='example.org' port='6000'/></source>"
      "<target dev='vda' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='nbd' name='bar'><host name='example.org' port='6000'/></source>"
      "<target dev='vdb' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='nbd'><host name='::1' port='6000'/></source>"
      "<target dev='vdc' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='nbd' name='bar'><host name='::1' port='6000'/></source>"
      "<target dev='vdd' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='nbd' name='bar'><host transport='unix' socket='/var/run/nbdsock'/>"
      "</source><target dev='vde' bus='virtio'/></disk>",
      secrets.paths());
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"nbd","server":{"type":"inet","host":"example.org","port":"6000"},"node-name":"libvirt-5-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-5"),
      "-blockdev",
      R"({"driver":"nbd","server":{"type":"inet","host":"example.org","port":"6000"},"export":"bar","node-name":"libvirt-4-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-4"),
      "-blockdev",
      R"({"driver":"nbd","server":{"type":"inet","host":"::1","port":"6000"},"node-name":"libvirt-3-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-3"),
      "-blockdev",
      R"({"driver":"nbd","server":{"type":"inet","host":"::1","port":"6000"},"export":"bar","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-2"),
      "-blockdev",
      R"({"driver":"nbd","server":{"type":"unix","path":"/var/run/nbdsock"},"export":"bar","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-1")};
  EXPECT_EQ(blockArgs(cmd->argv), want);
  EXPECT_TRUE(cmd->secrets.empty());
  EXPECT_TRUE(secrets.asked.empty());
}

TEST(NetworkDisk, NbdWithoutPortGetsTheDefaultPort) {
  model::StorageSource src;
  src.type = "network";
  src.protocol = "nbd";
  src.hosts.push_back(model::DiskHost{"h", std::nullopt, "", ""});
  auto node = buildNetworkStorageNode(src, "libvirt-1-storage", "vda", {});
  ASSERT_TRUE(node) << node.error().text();
  EXPECT_EQ(node->props.dump(),
            R"({"driver":"nbd","server":{"type":"inet","host":"h","port":"10809"}})");
}

// disk-network-iscsi.xml: <auth> under <disk> and under <source>, LUNs, an initiator IQN and
// device='lun' on SCSI (scsi-block).
TEST(NetworkDisk, IscsiAsLibvirt) {
  FakeSecrets secrets;
  std::string auth =
      "<auth username='myname'><secret type='iscsi' usage='mycluster_myname'/></auth>";
  auto cmd = build(
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='iscsi' name='iqn.1992-01.com.example'>"
      "<host name='example.org' port='6000'/></source><target dev='vda' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='iscsi' name='iqn.1992-01.com.example/1'>"
      "<host name='example.org' port='6000'/></source><target dev='vdb' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>" +
          auth +
          "<source protocol='iscsi' name='iqn.1992-01.com.example:storage/1'>"
          "<host name='example.org' port='6000'/></source>"
          "<target dev='vdc' bus='virtio'/></disk>"
          "<disk type='network' device='disk'><driver name='qemu' type='raw'/>" +
          auth +
          "<source protocol='iscsi' name='iqn.1992-01.com.example:storage/2'>"
          "<host name='example.org' port='6000'/></source>"
          "<target dev='vdd' bus='virtio'/></disk>"
          "<disk type='network' device='lun'><driver name='qemu' type='raw'/>"
          "<source protocol='iscsi' name='iqn.1992-01.com.example'>"
          "<host name='example.org' port='3260'/></source><target dev='sda' bus='scsi'/></disk>"
          "<disk type='network' device='lun'><driver name='qemu' type='raw'/>"
          "<source protocol='iscsi' name='iqn.1992-01.com.example:server/0'>"
          "<host name='example.org' port='3260'/>"
          "<initiator><iqn name='iqn.1992-01.com.example:client'/></initiator></source>"
          "<target dev='sdb' bus='scsi'/></disk>"
          "<disk type='network' device='lun'><driver name='qemu' type='raw'/>"
          "<source protocol='iscsi' name='iqn.1992-01.com.example:server/0'>"
          "<host name='example.org' port='3260'/>"
          "<initiator><iqn name='iqn.1992-01.com.example:client'/></initiator>" +
          auth + "</source><target dev='sdc' bus='scsi'/></disk>",
      secrets.paths());
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:6000","target":"iqn.1992-01.com.example","lun":0,"transport":"tcp","node-name":"libvirt-7-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-7"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:6000","target":"iqn.1992-01.com.example","lun":1,"transport":"tcp","node-name":"libvirt-6-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-6"),
      "-object",
      secretObject("libvirt-5-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:6000","target":"iqn.1992-01.com.example:storage","lun":1,"transport":"tcp","user":"myname","password-secret":"libvirt-5-storage-auth-secret0","node-name":"libvirt-5-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-5"),
      "-object",
      secretObject("libvirt-4-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:6000","target":"iqn.1992-01.com.example:storage","lun":2,"transport":"tcp","user":"myname","password-secret":"libvirt-4-storage-auth-secret0","node-name":"libvirt-4-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-4"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:3260","target":"iqn.1992-01.com.example","lun":0,"transport":"tcp","node-name":"libvirt-3-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-3"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:3260","target":"iqn.1992-01.com.example:server","lun":0,"transport":"tcp","initiator-name":"iqn.1992-01.com.example:client","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-2"),
      "-object",
      secretObject("libvirt-1-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:3260","target":"iqn.1992-01.com.example:server","lun":0,"transport":"tcp","user":"myname","password-secret":"libvirt-1-storage-auth-secret0","initiator-name":"iqn.1992-01.com.example:client","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-1")};
  EXPECT_EQ(blockArgs(cmd->argv), want);
  // The SCSI devices are libvirt's, byte for byte.
  std::vector<std::string> devices = deviceArgs(cmd->argv);
  ASSERT_EQ(devices.size(), 7u);
  EXPECT_EQ(
      devices[4],
      R"({"driver":"scsi-block","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":0,"drive":"libvirt-3-format","id":"scsi0-0-0-0"})");
  EXPECT_EQ(
      devices[5],
      R"({"driver":"scsi-block","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":1,"drive":"libvirt-2-format","id":"scsi0-0-0-1"})");
  EXPECT_EQ(
      devices[6],
      R"({"driver":"scsi-block","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":2,"drive":"libvirt-1-format","id":"scsi0-0-0-2"})");

  // The three secrets: files for the driver, looked up by the <secret> of each <auth>.
  ASSERT_EQ(cmd->secrets.size(), 3u);
  EXPECT_EQ(cmd->secrets[0].id, "libvirt-5-storage-auth-secret0");
  EXPECT_EQ(cmd->secrets[0].path, "/run/g/secrets/libvirt-5-storage-auth-secret0");
  EXPECT_EQ(cmd->secrets[0].value, std::string("AQ\x00\xff"
                                               "key-1",
                                               9));
  EXPECT_EQ(cmd->secrets[2].id, "libvirt-1-storage-auth-secret0");
  ASSERT_EQ(secrets.asked.size(), 3u);
  EXPECT_EQ(secrets.asked[0].type, "iscsi");
  EXPECT_EQ(secrets.asked[0].usage, "mycluster_myname");
  // The value is nowhere on the command line.
  for (const std::string& arg : cmd->argv)
    EXPECT_EQ(arg.find("key-1"), std::string::npos) << arg;
}

TEST(NetworkDisk, IscsiPortalOfAnIpv6HostAndIserTransport) {
  model::StorageSource src;
  src.type = "network";
  src.protocol = "iscsi";
  src.name = "iqn.2000-01.org.x:t/3";
  src.hosts.push_back(model::DiskHost{"fd00::1", std::nullopt, "rdma", ""});
  auto node = buildNetworkStorageNode(src, "libvirt-1-storage", "vda", {});
  ASSERT_TRUE(node) << node.error().text();
  EXPECT_EQ(
      node->props.dump(),
      R"({"driver":"iscsi","portal":"[fd00::1]:3260","target":"iqn.2000-01.org.x:t","lun":3,"transport":"iser"})");
}

TEST(NetworkDisk, RbdAsLibvirt) {
  FakeSecrets secrets;
  std::string mons =
      "<host name='mon1.example.org' port='6321'/><host name='mon2.example.org' port='6322'/>"
      "<host name='mon3.example.org' port='6322'/>";
  auto cmd = build(
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='rbd' name='pool/image'>" +
          mons +
          "</source><target dev='vda' bus='virtio'/></disk>"
          "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
          "<source protocol='rbd' name='pool/image'><snapshot name='asdf'/></source>"
          "<target dev='vdb' bus='virtio'/></disk>"
          "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
          "<source protocol='rbd' name='pool/image'>" +
          mons +
          "<snapshot name='foo'/></source><target dev='vdc' bus='virtio'/></disk>"
          "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
          "<source protocol='rbd' name='pool/image'><snapshot name='foo'/>"
          "<config file='/blah/test.conf'/></source><target dev='vdd' bus='virtio'/></disk>"
          "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
          "<auth username='myname'><secret type='ceph' usage='mycluster_myname'/></auth>"
          "<source protocol='rbd' name='pool/image'>" +
          mons +
          "</source><target dev='vde' bus='virtio'/></disk>"
          "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
          "<source protocol='rbd' name='pool/image'><host name='::1' port='6321'/>"
          "<host name='example.org' port='6789'/><host name='ffff:1234:567:abc::0f' "
          "port='6322'/><host name='2001:db8::ff00:42:8329' port='6322'/></source>"
          "<target dev='vdf' bus='virtio'/></disk>",
      secrets.paths());
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::string servers =
      R"([{"host":"mon1.example.org","port":"6321"},{"host":"mon2.example.org","port":"6322"},{"host":"mon3.example.org","port":"6322"}])";
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image","server":)" + servers +
          R"(,"node-name":"libvirt-6-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-6"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image","snapshot":"asdf","node-name":"libvirt-5-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-5"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image","snapshot":"foo","server":)" + servers +
          R"(,"node-name":"libvirt-4-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-4"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image","snapshot":"foo","conf":"/blah/test.conf","node-name":"libvirt-3-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-3"),
      "-object",
      secretObject("libvirt-2-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image","server":)" + servers +
          R"(,"user":"myname","auth-client-required":["cephx","none"],"key-secret":"libvirt-2-storage-auth-secret0","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-2"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image","server":[{"host":"::1","port":"6321"},{"host":"example.org","port":"6789"},{"host":"ffff:1234:567:abc::0f","port":"6322"},{"host":"2001:db8::ff00:42:8329","port":"6322"}],"node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-1")};
  EXPECT_EQ(blockArgs(cmd->argv), want);
  ASSERT_EQ(secrets.asked.size(), 1u);
  EXPECT_EQ(secrets.asked[0].type, "ceph");
}

TEST(NetworkDisk, GlusterAsLibvirt) {
  auto cmd = build(
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='gluster' name='Volume1/Image'><host name='example.org' port='6000'/>"
      "</source><target dev='vda' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu'/>"
      "<source protocol='gluster' name='Volume2/Image'>"
      "<host transport='unix' socket='/path/to/sock'/></source>"
      "<target dev='vdb' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='qcow2'/>"
      "<source protocol='gluster' name='Volume3/Image.qcow2'>"
      "<host name='example.org' port='6000'/><host name='example.org'/>"
      "<host transport='unix' socket='/path/to/sock'/></source>"
      "<target dev='vdc' bus='virtio'/></disk>",
      FakeSecrets().paths());
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"gluster","volume":"Volume1","path":"Image","server":[{"type":"inet","host":"example.org","port":"6000"}],"debug":4,"node-name":"libvirt-3-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev", raw("libvirt-3"),
      // No format given: raw, as libvirt's post-parse makes it.
      "-blockdev",
      R"({"driver":"gluster","volume":"Volume2","path":"Image","server":[{"type":"unix","path":"/path/to/sock"}],"debug":4,"node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev", raw("libvirt-2"), "-blockdev",
      R"({"driver":"gluster","volume":"Volume3","path":"Image.qcow2","server":[{"type":"inet","host":"example.org","port":"6000"},{"type":"inet","host":"example.org","port":"24007"},{"type":"unix","path":"/path/to/sock"}],"debug":4,"node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-1-format","read-only":false,"driver":"qcow2","file":"libvirt-1-storage"})"};
  EXPECT_EQ(blockArgs(cmd->argv), want);
}

// disk-network-source-auth.xml: <auth> inside <source>, a usage name with a space.
TEST(NetworkDisk, SourceAuthAsLibvirt) {
  FakeSecrets secrets;
  std::string mons =
      "<host name='mon1.example.org' port='6321'/><host name='mon2.example.org' port='6322'/>"
      "<host name='mon3.example.org' port='6322'/>";
  auto cmd = build(
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='iscsi' name='iqn.1992-01.com.example:storage/1'>"
      "<host name='example.org' port='6000'/><auth username='myname'>"
      "<secret type='iscsi' usage='mycluster_myname'/></auth></source>"
      "<target dev='vda' bus='virtio'/></disk>"
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='rbd' name='pool/image'>" +
          mons +
          "<auth username='myname'><secret type='ceph' usage='mycluster_myname'/></auth>"
          "</source><target dev='vdb' bus='virtio'/></disk>"
          "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
          "<source protocol='rbd' name='pool/image2'>" +
          mons +
          "<auth username='myname'><secret type='ceph' usage='client.admin secret'/></auth>"
          "</source><target dev='vdc' bus='virtio'/></disk>",
      secrets.paths());
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::string servers =
      R"([{"host":"mon1.example.org","port":"6321"},{"host":"mon2.example.org","port":"6322"},{"host":"mon3.example.org","port":"6322"}])";
  std::vector<std::string> want{
      "-object",
      secretObject("libvirt-3-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"example.org:6000","target":"iqn.1992-01.com.example:storage","lun":1,"transport":"tcp","user":"myname","password-secret":"libvirt-3-storage-auth-secret0","node-name":"libvirt-3-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-3"),
      "-object",
      secretObject("libvirt-2-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image","server":)" + servers +
          R"(,"user":"myname","auth-client-required":["cephx","none"],"key-secret":"libvirt-2-storage-auth-secret0","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-2"),
      "-object",
      secretObject("libvirt-1-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"image2","server":)" + servers +
          R"(,"user":"myname","auth-client-required":["cephx","none"],"key-secret":"libvirt-1-storage-auth-secret0","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-1")};
  EXPECT_EQ(blockArgs(cmd->argv), want);
  ASSERT_EQ(cmd->secrets.size(), 3u);
  EXPECT_EQ(cmd->secrets[2].value, "admin-key");
  ASSERT_EQ(secrets.asked.size(), 3u);
  EXPECT_EQ(secrets.asked[2].usage, "client.admin secret");
}

TEST(NetworkDisk, HttpAndHttpsUrlsAsLibvirt) {
  auto cmd = build(
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='http' name='test.img'><host name='example.org'/></source>"
      "<target dev='vda' bus='virtio'/></disk>"
      "<disk type='network' device='cdrom'><driver name='qemu' type='raw'/>"
      "<source protocol='https' name='/dir/my disk.iso'><host name='example.org' port='1234'/>"
      "</source><target dev='sda' bus='scsi'/><readonly/></disk>",
      FakeSecrets().paths());
  ASSERT_TRUE(cmd) << cmd.error().text();
  std::vector<std::string> want{
      "-blockdev",
      R"({"driver":"http","url":"http://example.org:80/test.img","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      raw("libvirt-2"),
      "-blockdev",
      R"({"driver":"https","url":"https://example.org:1234/dir/my%20disk.iso","node-name":"libvirt-1-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-1-format","read-only":true,"driver":"raw","file":"libvirt-1-storage"})"};
  EXPECT_EQ(blockArgs(cmd->argv), want);
}

TEST(NetworkDisk, CurlProtocolsWithAuthAndIpv6Hosts) {
  QemuSecretContext context;
  context.directory = "/s";
  context.lookup = [](const model::DiskSecretRef&) -> Result<std::string> {
    return std::string("pw");
  };
  model::StorageSource src;
  src.type = "network";
  src.protocol = "ftps";
  src.name = "pub/img.raw";
  src.hosts.push_back(model::DiskHost{"2001:db8::1", std::nullopt, "", ""});
  src.auth = model::DiskAuth{"anna", model::DiskSecretRef{"iscsi", "ftp-pw", std::nullopt}};
  auto node = buildNetworkStorageNode(src, "libvirt-4-storage", "vdb", context);
  ASSERT_TRUE(node) << node.error().text();
  EXPECT_EQ(
      node->props.dump(),
      R"({"driver":"ftps","url":"ftps://[2001:db8::1]:990/pub/img.raw","username":"anna","password-secret":"libvirt-4-storage-auth-secret0"})");
  ASSERT_EQ(node->secrets.size(), 1u);
  EXPECT_EQ(node->secrets[0].path, "/s/libvirt-4-storage-auth-secret0");
  EXPECT_EQ(node->secrets[0].value, "pw");
  src.protocol = "ftp";
  src.auth.reset();
  node = buildNetworkStorageNode(src, "libvirt-4-storage", "vdb", context);
  ASSERT_TRUE(node) << node.error().text();
  EXPECT_EQ(node->props.dump(), R"({"driver":"ftp","url":"ftp://[2001:db8::1]:21/pub/img.raw"})");
}

void expectError(const Result<QemuCommand>& cmd, ErrorCode code, const std::string& message) {
  ASSERT_FALSE(cmd);
  EXPECT_EQ(cmd.error().code, code);
  EXPECT_EQ(cmd.error().message, message);
}

// disk-network-sheepdog.xml: QEMU 7.2 has no sheepdog driver.
TEST(NetworkDisk, SheepdogIsRefused) {
  expectError(
      build("<disk type='block' device='disk'><driver name='qemu' type='raw'/>"
            "<source dev='/dev/HostVG/QEMU,Guest,,1'/><target dev='hda' bus='ide'/></disk>"
            "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
            "<source protocol='sheepdog' name='image,with,commas'>"
            "<host name='example.org' port='6000'/></source><target dev='vda' bus='virtio'/>"
            "</disk>",
            FakeSecrets().paths()),
      ErrorCode::ConfigUnsupported,
      "disk 'vda' uses network protocol 'sheepdog', which QEMU no longer has (its driver was "
      "removed in QEMU 6.0)");
}

TEST(NetworkDisk, Refusals) {
  auto paths = FakeSecrets().paths();
  auto disk = [](const std::string& source, const std::string& extra = "") {
    return "<disk type='network' device='disk'><driver name='qemu' type='raw'/>" + extra + source +
           "<target dev='vda' bus='virtio'/></disk>";
  };
  expectError(
      build(disk("<source protocol='nbd'><host name='a'/><host name='b'/></source>"), paths),
      ErrorCode::ConfigUnsupported, "disk 'vda' (protocol 'nbd') needs exactly one <host>, not 2");
  expectError(build(disk("<source protocol='http' name='x'/>"), paths),
              ErrorCode::ConfigUnsupported,
              "disk 'vda' (protocol 'http') needs exactly one <host>, not 0");
  expectError(build(disk("<source protocol='rbd' name='image'/>"), paths), ErrorCode::XmlError,
              "can't split path 'image' into pool name and image name (disk 'vda')");
  expectError(build(disk("<source protocol='gluster' name='v/i'/>"), paths),
              ErrorCode::ConfigUnsupported,
              "disk 'vda' (protocol 'gluster') needs at least one <host>");
  expectError(
      build(disk("<source protocol='iscsi' name='iqn.x/lun1'><host name='h'/></source>"), paths),
      ErrorCode::XmlError, "cannot parse the LUN 'lun1' of iSCSI source 'iqn.x/lun1' (disk 'vda')");
  expectError(build(disk("<source protocol='rbd' name='p/i'>"
                         "<host transport='unix' socket='/s'/></source>"),
                    paths),
              ErrorCode::ConfigUnsupported,
              "disk 'vda' (protocol 'rbd') can only reach its hosts over 'tcp', not over 'unix'");
  expectError(
      build(disk("<source protocol='nbd'><host name='h' transport='rdma'/></source>"), paths),
      ErrorCode::ConfigUnsupported, "disk 'vda' (protocol 'nbd') cannot use transport 'rdma'");
  expectError(build(disk("<source protocol='nbd'><host name='h'/><auth username='u'>"
                         "<secret type='iscsi' usage='mycluster_myname'/></auth></source>"),
                    paths),
              ErrorCode::ConfigUnsupported, "disk 'vda' (protocol 'nbd') does not take <auth>");
  // device='lun' is for SCSI passthrough of block devices and iSCSI LUNs only.
  expectError(build("<disk type='network' device='lun'><driver name='qemu' type='raw'/>"
                    "<source protocol='nbd'><host name='h'/></source>"
                    "<target dev='sda' bus='scsi'/></disk>",
                    paths),
              ErrorCode::ConfigUnsupported,
              "disk 'sda': device 'lun' needs a block device or an iSCSI source");
}

TEST(NetworkDisk, SecretErrors) {
  std::string disk =
      "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
      "<source protocol='rbd' name='p/i'><auth username='u'>"
      "<secret type='ceph' usage='unknown'/></auth></source>"
      "<target dev='vda' bus='virtio'/></disk>";
  // The lookup's own error comes back as is.
  expectError(build(disk, FakeSecrets().paths()), ErrorCode::NoSecret,
              "secret not found: no secret with matching usage 'unknown'");
  // A driver that gave no lookup or no directory.
  QemuLaunchPaths noLookup = FakeSecrets().paths();
  noLookup.secretValue = nullptr;
  expectError(build(disk, noLookup), ErrorCode::InternalError,
              "disk 'vda' needs a secret, but the QEMU command line builder was given no secret "
              "lookup or no directory for secret files");
  QemuLaunchPaths noDir = FakeSecrets().paths();
  noDir.secretDir.clear();
  EXPECT_FALSE(build(disk, noDir));
}

// A network backing chain with secrets on two layers: each layer's secret comes just before
// its storage node, bottom first, as libvirt orders them.
TEST(NetworkDisk, SecretsOfABackingChainPrecedeTheirLayer) {
  FakeSecrets secrets;
  auto def = parse(domainXml(
      "<disk type='network' device='disk'><driver name='qemu' type='qcow2'/>"
      "<source protocol='rbd' name='pool/top'><host name='m' port='6789'/>"
      "<auth username='a'><secret type='ceph' usage='mycluster_myname'/></auth></source>"
      "<backingStore type='network'><format type='raw'/>"
      "<source protocol='iscsi' name='iqn.t/4'><host name='i'/>"
      "<auth username='b'><secret type='iscsi' usage='client.admin secret'/></auth></source>"
      "</backingStore><target dev='vda' bus='virtio'/></disk>"));
  QemuLaunchPaths paths = secrets.paths();
  QemuSecretContext context{paths.secretValue, paths.secretDir};
  // As hotplug numbers it: the layers from node 7 (top) upwards.
  auto args = buildOneDiskArgs(def, def.disks.at(0), 7, 0, context);
  ASSERT_TRUE(args) << args.error().text();
  std::vector<std::string> want{
      "-object",
      secretObject("libvirt-8-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"iscsi","portal":"i:3260","target":"iqn.t","lun":4,"transport":"tcp","user":"b","password-secret":"libvirt-8-storage-auth-secret0","node-name":"libvirt-8-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-8-format","read-only":true,"driver":"raw","file":"libvirt-8-storage"})",
      "-object",
      secretObject("libvirt-7-storage-auth-secret0"),
      "-blockdev",
      R"({"driver":"rbd","pool":"pool","image":"top","server":[{"host":"m","port":"6789"}],"user":"a","auth-client-required":["cephx","none"],"key-secret":"libvirt-7-storage-auth-secret0","node-name":"libvirt-7-storage","auto-read-only":true,"discard":"unmap"})",
      "-blockdev",
      R"({"node-name":"libvirt-7-format","read-only":false,"driver":"qcow2","file":"libvirt-7-storage","backing":"libvirt-8-format"})",
      "-device",
      R"({"driver":"virtio-blk-pci","drive":"libvirt-7-format","id":"virtio-disk0"})"};
  EXPECT_EQ(args->commandLine(), want);
  EXPECT_EQ(args->objectsBefore, (std::vector<std::size_t>{0, 2}));

  // Hotplug: object-add arguments carry the values in base64, and no file.
  std::vector<nlohmann::json> adds = args->objectAddArguments();
  ASSERT_EQ(adds.size(), 2u);
  EXPECT_EQ(adds[0], (nlohmann::json{{"qom-type", "secret"},
                                     {"id", "libvirt-8-storage-auth-secret0"},
                                     {"data", "YWRtaW4ta2V5"},  // "admin-key"
                                     {"format", "base64"}}));
  EXPECT_EQ(adds[1]["id"], "libvirt-7-storage-auth-secret0");
  EXPECT_EQ(adds[1]["data"], "QVEA/2tleS0x");  // "AQ\0\xffkey-1"
  EXPECT_FALSE(adds[1].contains("file"));
}

}  // namespace
}  // namespace virtus::qemu
