// Adapter names and <parentaddr> resolution over a sysfs tree laid out as on a host with a
// SAS HBA and an AHCI controller (scsi_test_support.h).
#include "storage/backends/scsi/scsi_host.h"

#include <gtest/gtest.h>

#include "os/linux_file_system.h"
#include "storage/backends/scsi/scsi_test_support.h"

namespace virtus::storage::scsi {
namespace {

using testing::ScsiHostTree;

TEST(ScsiHostName, NumbersOfLibvirtsAdapterNames) {
  for (const char* name : {"host5", "scsi_host5", "fc_host5", "vhba_host5"}) {
    auto n = scsiHostNumber(name);
    ASSERT_TRUE(n) << name;
    EXPECT_EQ(*n, 5u) << name;
  }
  for (const char* name : {"sda", "host", "host5x", "scsi_5", ""}) {
    auto n = scsiHostNumber(name);
    ASSERT_FALSE(n) << name;
    EXPECT_EQ(n.error().code, ErrorCode::InternalError);
    EXPECT_EQ(n.error().message, "Invalid adapter name '" + std::string(name) + "' for SCSI pool");
  }
}

TEST(ScsiHostName, PciAddressAsLibvirtPrintsIt) {
  EXPECT_EQ(pciAddressText({0, 0, 0x1f, 2}), "0000:00:1f.2");
  EXPECT_EQ(pciAddressText({1, 0x10, 3, 7}), "0001:10:03.7");
}

TEST(ScsiHostRecorded, ParentAddrFindsTheHostBelowThePciDevice) {
  ScsiHostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  // Both host2 and host5 have unique_id 1: the PCI address tells them apart.
  auto sas = hostByParentAddr(fs, tree.sys(), {0, 0, 0x10, 0}, 1);
  ASSERT_TRUE(sas) << sas.error().message;
  EXPECT_EQ(*sas, "host5");
  auto ahci = hostByParentAddr(fs, tree.sys(), {0, 0, 0x1f, 2}, 1);
  ASSERT_TRUE(ahci) << ahci.error().message;
  EXPECT_EQ(*ahci, "host2");
  // A bridge above the device counts, as libvirt's substring match of the resolved path.
  auto bridge = hostByParentAddr(fs, tree.sys(), {0, 0, 3, 0}, 0);
  ASSERT_TRUE(bridge) << bridge.error().message;
  EXPECT_EQ(*bridge, "host3");
}

TEST(ScsiHostRecorded, ParentAddrWithoutMatchIsLibvirtsError) {
  ScsiHostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  auto wrongId = hostByParentAddr(fs, tree.sys(), {0, 0, 0x10, 0}, 2);
  ASSERT_FALSE(wrongId);
  EXPECT_EQ(wrongId.error().code, ErrorCode::XmlError);
  EXPECT_EQ(wrongId.error().message,
            "Failed to find scsi_host using PCI '0000:00:10.0' and unique_id='2'");
  auto noDevice = hostByParentAddr(fs, tree.sys(), {0, 0, 0x11, 0}, 1);
  ASSERT_FALSE(noDevice);
  EXPECT_EQ(noDevice.error().message,
            "Failed to find scsi_host using PCI '0000:00:11.0' and unique_id='1'");

  tree.file("sys/devices/pci0000:00/0000:00:10.0/host5/scsi_host/host5/unique_id", "one\n");
  auto garbage = hostByParentAddr(fs, tree.sys(), {0, 0, 0x10, 0}, 1);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::InternalError);
  EXPECT_EQ(garbage.error().message, "Invalid integer value 'one' in file '" + tree.sys() +
                                         "/class/scsi_host/host5/unique_id'");
}

}  // namespace
}  // namespace virtus::storage::scsi
