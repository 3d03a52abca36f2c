// fc_host lookups and vport writes over a sysfs tree laid out as on a host with two FC HBAs,
// one NPIV-capable (scsi_test_support.h).
#include "storage/backends/scsi/vhba.h"

#include <gtest/gtest.h>

#include "os/linux_file_system.h"
#include "storage/backends/scsi/scsi_test_support.h"

namespace virtus::storage::scsi {
namespace {

using testing::kWwnn;
using testing::kWwpn;
using testing::ScsiHostTree;

TEST(VhbaRecorded, FindsHostsByWwnWithOrWithout0x) {
  ScsiHostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  auto hba = fcHostByWwn(fs, tree.sys(), "20000000c9831b4a", "10000000c9831b4a");
  ASSERT_TRUE(hba);
  EXPECT_EQ(*hba, "host3");
  auto none = fcHostByWwn(fs, tree.sys(), kWwnn, kWwpn);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  // The right node name with another port name is no match.
  auto half = fcHostByWwn(fs, tree.sys(), "20000000c9831b4a", "10000000c9831b4c");
  ASSERT_TRUE(half);
  EXPECT_FALSE(*half);
  tree.addVhba(3, 7, kWwnn, kWwpn);
  tree.file(tree.fcDir(7) + "/node_name", std::string(kWwnn) + "\n");  // some drivers: no 0x
  auto vhba = fcHostByWwn(fs, tree.sys(), kWwnn, kWwpn);
  ASSERT_TRUE(vhba);
  EXPECT_EQ(*vhba, "host7");
}

TEST(VhbaRecorded, FabricLookupSkipsHostsWithoutVportCreate) {
  ScsiHostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  auto host = fcHostByFabricWwn(fs, tree.sys(), "2001000dec9877c1");
  ASSERT_TRUE(host);
  EXPECT_EQ(*host, "host3");
  tree.remove(tree.fcDir(3) + "/vport_create");
  auto none = fcHostByFabricWwn(fs, tree.sys(), "2001000dec9877c1");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);  // host4 is on the fabric but cannot create vports
}

TEST(VhbaRecorded, VportHostMustBeCapableOnlineAndNotSaturated) {
  ScsiHostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  auto host = findVportHost(fs, tree.sys());
  ASSERT_TRUE(host);
  EXPECT_EQ(*host, "host3");
  EXPECT_TRUE(isVportCapable(fs, tree.sys(), 3));
  EXPECT_FALSE(isVportCapable(fs, tree.sys(), 4));

  tree.file(tree.fcDir(3) + "/npiv_vports_inuse", "255\n");
  auto full = findVportHost(fs, tree.sys());
  ASSERT_TRUE(full);
  EXPECT_FALSE(*full);
  tree.file(tree.fcDir(3) + "/npiv_vports_inuse", "9\n");  // "255" vs "9": numbers, not text
  ASSERT_TRUE(findVportHost(fs, tree.sys()).value());
  tree.file(tree.fcDir(3) + "/port_state", "Linkdown\n");
  EXPECT_FALSE(findVportHost(fs, tree.sys()).value());
}

TEST(VhbaRecorded, ParentOfAVhbaIsTheHbaHoldingItsVport) {
  ScsiHostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  tree.addVhba(3, 7, kWwnn, kWwpn);
  auto parent = vhbaParent(fs, tree.sys(), "host7");
  ASSERT_TRUE(parent);
  EXPECT_EQ(*parent, 3u);
  auto physical = vhbaParent(fs, tree.sys(), "host3");
  ASSERT_TRUE(physical);
  EXPECT_FALSE(*physical);
}

TEST(VhbaRecorded, VportWritesAreWwpnColonWwnn) {
  ScsiHostTree tree;
  ASSERT_TRUE(tree.ok());
  os::LinuxFileSystem fs;
  ASSERT_TRUE(manageVport(fs, tree.sys(), 3, kWwpn, kWwnn, VportOp::Create));
  EXPECT_EQ(tree.read(tree.fcDir(3) + "/vport_create"), "10000000c9831b4b:20000000c9831b4b");
  ASSERT_TRUE(manageVport(fs, tree.sys(), 3, kWwpn, kWwnn, VportOp::Remove));
  EXPECT_EQ(tree.read(tree.fcDir(3) + "/vport_delete"), "10000000c9831b4b:20000000c9831b4b");

  auto unsupported = manageVport(fs, tree.sys(), 4, kWwpn, kWwnn, VportOp::Create);
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(unsupported.error().message,
            "vport operation 'vport_create' is not supported for host4");
}

}  // namespace
}  // namespace virtus::storage::scsi
