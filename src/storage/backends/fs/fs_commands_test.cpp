#include "storage/backends/fs/fs_commands.h"

#include <gtest/gtest.h>

#include "model/storage/pool_xml.h"
#include "support/fixtures.h"

namespace virtus::storage::fs {
namespace {

TEST(FsCommands, LibvirtMountArgvFixtures) {
  int cases = 0;
  for (const auto& c : fixtures::poolArgvCases()) {
    auto def = model::readPoolXml(c.xml);
    if (!def) {
      ADD_FAILURE() << c.name << ": " << def.error().message;
      continue;
    }
    if (def->type != model::PoolType::Fs && def->type != model::PoolType::Netfs)
      continue;
    ++cases;
    EXPECT_EQ(buildMountCommand(*def).toArgvText(), c.argv) << c.name;
  }
  EXPECT_EQ(cases, 5);
}

std::string mountArgv(const char* xml) {
  auto def = model::readPoolXml(xml);
  EXPECT_TRUE(def) << (def ? "" : def.error().message);
  if (!def)
    return {};
  EXPECT_TRUE(checkMountSource(*def));
  return buildMountCommand(*def).toArgvText();
}

TEST(FsCommands, NetfsMountOptionsAndProtocolVersion) {
  // libvirt's pool-netfs-ns-mountopts-linux.argv: defaults, nfsvers, then fs:mount_opts.
  EXPECT_EQ(mountArgv("<pool type='netfs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>"
                      "<name>nfsimages</name><source><host name='localhost'/>"
                      "<dir path='/var/lib/libvirt/images'/><format type='nfs'/><protocol ver='3'/>"
                      "</source><target><path>/mnt</path></target>"
                      "<fs:mount_opts><fs:option name='sync'/><fs:option name='lazytime'/>"
                      "</fs:mount_opts></pool>"),
            "mount \\\n-o nodev,nosuid,noexec,nfsvers=3,sync,lazytime \\\n-t nfs \\\n"
            "localhost:/var/lib/libvirt/images \\\n/mnt");
}

TEST(FsCommands, NetfsAutoWithProtocolVersionHasNoType) {
  EXPECT_EQ(mountArgv("<pool type='netfs'><name>n</name><source><host name='h'/>"
                      "<dir path='/e'/><protocol ver='4'/></source>"
                      "<target><path>/mnt</path></target></pool>"),
            "mount \\\n-o nodev,nosuid,noexec,nfsvers=4 \\\nh:/e \\\n/mnt");
}

TEST(FsCommands, CifsAndGlusterOptionsComeBeforeMountOpts) {
  EXPECT_EQ(mountArgv("<pool type='netfs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>"
                      "<name>c</name><source><host name='example.com'/><dir path='share'/>"
                      "<format type='cifs'/></source><target><path>/mnt/cifs</path></target>"
                      "<fs:mount_opts><fs:option name='vers=3.0'/></fs:mount_opts></pool>"),
            "mount \\\n-o nodev,nosuid,noexec,guest,vers=3.0 \\\n-t cifs \\\n"
            "//example.com/share \\\n/mnt/cifs");
}

TEST(FsCommands, FsAutoKeepsTypeAuto) {
  // libvirt's plain-`mount` special case is for netfs only; fs pools pass their format.
  EXPECT_EQ(mountArgv("<pool type='fs'><name>f</name><source><device path='/dev/sdb1'/></source>"
                      "<target><path>/srv</path></target></pool>"),
            "mount \\\n-o nodev,nosuid,noexec \\\n-t auto \\\n/dev/sdb1 \\\n/srv");
}

TEST(FsCommands, MountSourceChecks) {
  model::PoolDef def;
  def.type = model::PoolType::Fs;
  auto r = checkMountSource(def);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().message, "missing source device");
  def.source.devices = {{"/dev/a", model::TriState::Absent, {}},
                        {"/dev/b", model::TriState::Absent, {}}};
  EXPECT_EQ(checkMountSource(def).error().message,
            "expected exactly 1 device for the storage pool");
  EXPECT_EQ(checkMountSource(def).error().code, ErrorCode::ConfigUnsupported);
  def.type = model::PoolType::Netfs;
  EXPECT_EQ(checkMountSource(def).error().message, "expected exactly 1 host for the storage pool");
  EXPECT_EQ(checkMountSource(def).error().code, ErrorCode::ConfigUnsupported);
  def.source.hosts.push_back({"", std::nullopt});
  EXPECT_EQ(checkMountSource(def).error().message, "missing source host");
  def.source.hosts[0].name = "h";
  EXPECT_EQ(checkMountSource(def).error().message, "missing source path");
  EXPECT_EQ(checkMountSource(def).error().code, ErrorCode::InternalError);
  def.source.dir = "/export";
  EXPECT_TRUE(checkMountSource(def));
}

TEST(FsCommands, UmountTakesTheTarget) {
  model::PoolDef def;
  def.type = model::PoolType::Fs;
  def.source.devices = {{"/dev/sdb1", model::TriState::Absent, {}}};
  def.target.path = "/srv/pool";
  EXPECT_EQ(buildUmountCommand(def).toArgvText(), "umount \\\n/srv/pool");
}

TEST(FsCommands, MkfsForceOptionPerFormat) {
  EXPECT_EQ(buildMkfsCommand("ext4", "/dev/sdb1").toArgvText(),
            "mkfs \\\n-t ext4 \\\n-F /dev/sdb1");
  EXPECT_EQ(buildMkfsCommand("ext2", "/dev/sdb1").args,
            (std::vector<std::string>{"-t", "ext2", "-F", "/dev/sdb1"}));
  EXPECT_EQ(buildMkfsCommand("ext3", "/dev/sdb1").args,
            (std::vector<std::string>{"-t", "ext3", "-F", "/dev/sdb1"}));
  EXPECT_EQ(buildMkfsCommand("xfs", "/dev/sdb1").args,
            (std::vector<std::string>{"-t", "xfs", "-f", "/dev/sdb1"}));
  EXPECT_EQ(buildMkfsCommand("vfat", "/dev/sdb1").args,
            (std::vector<std::string>{"-t", "vfat", "-I", "/dev/sdb1"}));
  // No force option known for the others; "auto" goes through as libvirt passes it.
  EXPECT_EQ(buildMkfsCommand("btrfs", "/dev/sdb1").args,
            (std::vector<std::string>{"-t", "btrfs", "/dev/sdb1"}));
  EXPECT_EQ(buildMkfsCommand("auto", "/dev/sdb1").args,
            (std::vector<std::string>{"-t", "auto", "/dev/sdb1"}));
  EXPECT_EQ(buildMkfsCommand("ext4", "/dev/sdb1").program, "mkfs");
  EXPECT_EQ(buildMkfsCommand("ext4", "/dev/sdb1").timeout.count(), 0);
}

}  // namespace
}  // namespace virtus::storage::fs
