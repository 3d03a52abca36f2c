// The scsi backend over sysfs and /dev trees laid out as on a host with a SAS HBA and FC
// HBAs (scsi_test_support.h), with udevadm and scsi_id replayed (no such hardware here).
#include "storage/backends/scsi/scsi_backend.h"

#include <gtest/gtest.h>

#include "fakes/fake_command_runner.h"
#include "model/storage/pool_xml.h"
#include "os/clock.h"
#include "os/linux_file_system.h"
#include "storage/backends/scsi/scsi_test_support.h"
#include "support/fixtures.h"

namespace virtus::storage::scsi {
namespace {

using testing::kWwnn;
using testing::kWwpn;
using testing::ScsiHostTree;
using testing::SettleHook;
using Adapter = model::StorageAdapter;

const std::string kVportValue = std::string(kWwpn) + ":" + kWwnn;

Error timeout() {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::None,
                   "command 'udevadm settle' timed out after 30000 ms");
}

class ScsiBackendRecorded : public ::testing::Test {
 protected:
  ScsiBackendRecorded()
      : hook_(runner_), backend_(context(), HostRoots{tree_.sys(), tree_.dev()}) {}

  BackendContext context() { return BackendContext{hook_, fs_, clock_}; }

  static PoolRuntime scsiHostPool(const std::string& name) {
    PoolRuntime pool;
    pool.def.type = model::PoolType::Scsi;
    pool.def.name = "hba0";
    pool.def.source.adapter.type = Adapter::Type::ScsiHost;
    pool.def.source.adapter.name = name;
    pool.def.target.path = "/dev/disk/by-path";
    return pool;
  }
  static PoolRuntime fcHostPool(const std::string& parent = "") {
    PoolRuntime pool = scsiHostPool("");
    pool.def.source.adapter = Adapter{};
    pool.def.source.adapter.type = Adapter::Type::FcHost;
    pool.def.source.adapter.wwnn = kWwnn;
    pool.def.source.adapter.wwpn = kWwpn;
    pool.def.source.adapter.parent = parent;
    return pool;
  }
  void expectLunScan() {
    runner_.expect("udevadm", "settle").replies(0);
    runner_
        .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
                "/dev/disk/by-path/pci-0000:00:10.0-sas-phy0-lun-0")
        .replies(0, "35000c500a1b2c3d4\n");
    runner_
        .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
                "/dev/disk/by-path/pci-0000:00:10.0-sas-phy1-lun-0")
        .replies(0, "35000c500a1b2c3d5\n");
  }
  std::string vportCreate() { return tree_.read(tree_.fcDir(3) + "/vport_create"); }
  std::string vportDelete() { return tree_.read(tree_.fcDir(3) + "/vport_delete"); }

  ScsiHostTree tree_;
  virtus::testing::FakeCommandRunner runner_;
  SettleHook hook_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  ScsiBackend backend_;
};

TEST_F(ScsiBackendRecorded, FeaturesAreStartAndStop) {
  BackendFeatures f = backend_.features();
  EXPECT_TRUE(f.startPool);
  EXPECT_TRUE(f.stopPool);
  EXPECT_FALSE(f.buildPool);
  EXPECT_FALSE(f.deletePool);
  EXPECT_FALSE(f.findPoolSources);
  EXPECT_FALSE(f.createVol);
  EXPECT_FALSE(f.deleteVol);
  EXPECT_EQ(backend_.type(), model::PoolType::Scsi);
}

TEST_F(ScsiBackendRecorded, RefreshScansTheHostAndListsItsDisks) {
  ASSERT_TRUE(tree_.ok());
  PoolRuntime pool = scsiHostPool("host5");
  expectLunScan();
  auto refreshed = backend_.refreshPool(pool);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  // libvirt writes sizeof("- - -"), the terminating NUL included.
  EXPECT_EQ(tree_.read("sys/devices/pci0000:00/0000:00:10.0/host5/scsi_host/host5/scan"),
            std::string("- - -\0", 6));
  ASSERT_EQ(pool.volumes.size(), 2u);  // the enclosure 5:0:1:0 is no volume
  EXPECT_EQ(pool.volumes[0].name, "unit:0:0:0");
  EXPECT_EQ(pool.volumes[0].target.path, "/dev/disk/by-path/pci-0000:00:10.0-sas-phy0-lun-0");
  EXPECT_EQ(pool.volumes[0].key, "35000c500a1b2c3d4");
  EXPECT_EQ(pool.volumes[0].capacity, 1073741824u);
  EXPECT_EQ(pool.volumes[0].type, model::VolType::Block);
  EXPECT_EQ(pool.volumes[1].name, "unit:0:0:1");
  EXPECT_EQ(pool.volumes[1].key, "35000c500a1b2c3d5");
  EXPECT_EQ(pool.def.capacity, 3221225472u);
  EXPECT_EQ(pool.def.allocation, 3221225472u);
  EXPECT_EQ(pool.def.available, 0u);
  // Every command carries the context's deadline.
  for (const os::Command& cmd : runner_.commands())
    EXPECT_EQ(cmd.timeout, std::chrono::milliseconds(30000)) << cmd.toString();
}

TEST_F(ScsiBackendRecorded, RefreshByParentAddrUsesTheResolvedHost) {
  PoolRuntime pool = scsiHostPool("");
  pool.def.source.adapter.hasParentAddr = true;
  pool.def.source.adapter.parentAddr = {0, 0, 0x10, 0};
  pool.def.source.adapter.uniqueId = 1;
  expectLunScan();
  auto refreshed = backend_.refreshPool(pool);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(pool.volumes.size(), 2u);
  EXPECT_EQ(tree_.read("sys/devices/pci0000:00/0000:00:10.0/host5/scsi_host/host5/scan").size(),
            6u);
}

TEST_F(ScsiBackendRecorded, RefreshOfAMissingHostCannotTriggerTheScan) {
  PoolRuntime pool = scsiHostPool("host9");
  auto refreshed = backend_.refreshPool(pool);
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().code, ErrorCode::SystemError);
  EXPECT_TRUE(refreshed.error().message.starts_with(
      "Could not open '" + tree_.sys() + "/class/scsi_host/host9/scan' to trigger host scan: "))
      << refreshed.error().message;
  EXPECT_TRUE(pool.volumes.empty());
}

TEST_F(ScsiBackendRecorded, RefreshWithGarbageLunTypeIsInternalError) {
  tree_.file(
      "sys/devices/pci0000:00/0000:00:10.0/host5/port-5:0/end_device-5:0/target5:0:0/"
      "5:0:0:1/type",
      "disk\n");
  PoolRuntime pool = scsiHostPool("host5");
  runner_.expect("udevadm", "settle").replies(0);
  auto refreshed = backend_.refreshPool(pool);
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().code, ErrorCode::InternalError);
  EXPECT_EQ(refreshed.error().message, "Invalid integer value 'disk' in file '" + tree_.sys() +
                                           "/bus/scsi/devices/5:0:0:1/type'");
}

TEST_F(ScsiBackendRecorded, RefreshDeadlinesAreOperationTimeout) {
  PoolRuntime pool = scsiHostPool("host5");
  runner_.expect("udevadm", "settle").fails(timeout());
  auto settle = backend_.refreshPool(pool);
  ASSERT_FALSE(settle);
  EXPECT_EQ(settle.error().code, ErrorCode::OperationTimeout);

  runner_.expect("udevadm", "settle").replies(0);
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
              "/dev/disk/by-path/pci-0000:00:10.0-sas-phy0-lun-0")
      .fails(makeError(ErrorCode::OperationTimeout, ErrorDomain::None, "scsi_id timed out"));
  auto scsiId = backend_.refreshPool(pool);
  ASSERT_FALSE(scsiId);
  EXPECT_EQ(scsiId.error().code, ErrorCode::OperationTimeout);
}

TEST_F(ScsiBackendRecorded, RefreshWithoutUdevOrScsiIdStillListsTheLuns) {
  PoolRuntime pool = scsiHostPool("host5");
  runner_.expect("udevadm", "settle")
      .fails(makeError(ErrorCode::SystemError, ErrorDomain::None, "Cannot find 'udevadm'"));
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
              "/dev/disk/by-path/pci-0000:00:10.0-sas-phy0-lun-0")
      .replies(1);
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
              "/dev/disk/by-path/pci-0000:00:10.0-sas-phy1-lun-0")
      .replies(0, "");
  ASSERT_TRUE(backend_.refreshPool(pool));
  ASSERT_EQ(pool.volumes.size(), 2u);
  EXPECT_EQ(pool.volumes[0].key, pool.volumes[0].target.path);
  EXPECT_EQ(pool.volumes[1].key, pool.volumes[1].target.path);
}

TEST_F(ScsiBackendRecorded, CheckIsWhetherTheHostExists) {
  EXPECT_TRUE(backend_.checkPool(scsiHostPool("host5")).value());
  EXPECT_TRUE(backend_.checkPool(scsiHostPool("scsi_host2")).value());
  EXPECT_FALSE(backend_.checkPool(scsiHostPool("host9")).value());
  auto bad = backend_.checkPool(scsiHostPool("sdb"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Invalid adapter name 'sdb' for SCSI pool");
  // An fc_host pool whose vHBA is not created yet is inactive, not an error.
  EXPECT_FALSE(backend_.checkPool(fcHostPool()).value());
  tree_.addVhba(3, 7, kWwnn, kWwpn);
  EXPECT_TRUE(backend_.checkPool(fcHostPool()).value());
}

TEST_F(ScsiBackendRecorded, StartOfScsiHostPoolDoesNothing) {
  PoolRuntime pool = scsiHostPool("host5");
  ASSERT_TRUE(backend_.startPool(pool));
  ASSERT_TRUE(backend_.stopPool(pool));
  EXPECT_TRUE(runner_.commands().empty());
}

TEST_F(ScsiBackendRecorded, StartCreatesTheVhbaOnTheFirstVportCapableHba) {
  PoolRuntime pool = fcHostPool();
  hook_.onSettle = [&] { tree_.addVhba(3, 7, kWwnn, kWwpn); };  // the kernel's answer
  runner_.expect("udevadm", "settle").replies(0);
  auto started = backend_.startPool(pool);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(vportCreate(), "10000000c9831b4b:20000000c9831b4b");
  EXPECT_EQ(vportDelete(), "");
  EXPECT_EQ(pool.def.source.adapter.managed, model::TriState::Yes);

  // The vHBA's LUNs are the pool's volumes.
  tree_.file("sys/devices/" + std::string(testing::kFcPci) +
                 "/host3/vport-3:0-0/host7/rport-7:0-0/target7:0:0/7:0:0:0/type",
             "0\n");
  tree_.file("sys/devices/" + std::string(testing::kFcPci) +
                 "/host3/vport-3:0-0/host7/rport-7:0-0/target7:0:0/7:0:0:0/block/sdd/size",
             "8\n");
  tree_.link("sys/bus/scsi/devices/7:0:0:0",
             "../../../devices/" + std::string(testing::kFcPci) +
                 "/host3/vport-3:0-0/host7/rport-7:0-0/target7:0:0/7:0:0:0");
  tree_.file("dev/sdd", "");
  tree_.link("dev/disk/by-path/pci-0000:10:00.0-vport-0x" + kVportValue.substr(0, 16) +
                 "-fc-0x5006016844602198-lun-0",
             "../../sdd");
  hook_.onSettle = nullptr;
  runner_.expect("udevadm", "settle").replies(0);
  runner_
      .expect("/lib/udev/scsi_id", "--replace-whitespace", "--whitelisted", "--device",
              "/dev/disk/by-path/pci-0000:10:00.0-vport-0x10000000c9831b4b-fc-"
              "0x5006016844602198-lun-0")
      .replies(0, "36006016088d02800a5b8f2f1b5b9e611\n");
  auto refreshed = backend_.refreshPool(pool);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  ASSERT_EQ(pool.volumes.size(), 1u);
  EXPECT_EQ(pool.volumes[0].name, "unit:0:0:0");
  EXPECT_EQ(pool.def.capacity, 4096u);
  EXPECT_EQ(tree_.read(tree_.fcDir(7).substr(0, tree_.fcDir(7).find("/fc_host/")) +
                       "/scsi_host/host7/scan"),
            std::string("- - -\0", 6));

  // Stop deletes what start made.
  ASSERT_TRUE(backend_.stopPool(pool));
  EXPECT_EQ(vportDelete(), "10000000c9831b4b:20000000c9831b4b");
}

TEST_F(ScsiBackendRecorded, StartWithParentWwnsOrFabricUsesThatHba) {
  PoolRuntime byWwn = fcHostPool();
  byWwn.def.source.adapter.parentWwnn = "20000000c9831b4a";
  byWwn.def.source.adapter.parentWwpn = "10000000c9831b4a";
  hook_.onSettle = [&] { tree_.addVhba(3, 7, kWwnn, kWwpn); };
  runner_.expect("udevadm", "settle").replies(0);
  ASSERT_TRUE(backend_.startPool(byWwn));
  EXPECT_EQ(vportCreate(), kVportValue);

  PoolRuntime unknown = fcHostPool();
  unknown.def.source.adapter.wwnn = "20000000c9831b99";
  unknown.def.source.adapter.parentFabricWwn = "2001000dec9877ff";
  auto noFabric = backend_.startPool(unknown);
  ASSERT_FALSE(noFabric);
  EXPECT_EQ(noFabric.error().code, ErrorCode::XmlError);
  EXPECT_EQ(noFabric.error().message,
            "Could not find parent device with fabric_wwn '2001000dec9877ff'");
}

TEST_F(ScsiBackendRecorded, StartWithTheLibvirtFixtureRefusesANonVportParent) {
  // pool-scsi-type-fc-host.xml names parent scsi_host5: here that is the SAS HBA.
  auto def = model::parsePoolXml(
      fixtures::readFile(fixtures::fixturePath("storagepool/in/pool-scsi-type-fc-host.xml")));
  ASSERT_TRUE(def) << def.error().message;
  PoolRuntime pool;
  pool.def = *def;
  auto started = backend_.startPool(pool);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::InternalError);
  EXPECT_EQ(started.error().message,
            "Parent device 'scsi_host5' is not capable of vport operations");
  EXPECT_EQ(vportCreate(), "");
  EXPECT_NE(pool.def.source.adapter.managed, model::TriState::Yes);

  PoolRuntime fc = fcHostPool("scsi_host4");  // an FC HBA without NPIV
  auto noNpiv = backend_.startPool(fc);
  ASSERT_FALSE(noNpiv);
  EXPECT_EQ(noNpiv.error().message,
            "Parent device 'scsi_host4' is not capable of vport operations");
}

TEST_F(ScsiBackendRecorded, StartWithoutAnyVportCapableHbaFails) {
  tree_.file(tree_.fcDir(3) + "/npiv_vports_inuse", "255\n");
  PoolRuntime pool = fcHostPool();
  auto started = backend_.startPool(pool);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::InternalError);
  EXPECT_EQ(started.error().message, "Could not find any vport capable device");
  EXPECT_EQ(vportCreate(), "");
}

TEST_F(ScsiBackendRecorded, VhbaThatNeverAppearsIsDeletedAgain) {
  PoolRuntime pool = fcHostPool("scsi_host3");
  runner_.expect("udevadm", "settle").replies(0);
  auto started = backend_.startPool(pool);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::InternalError);
  EXPECT_EQ(started.error().message,
            "vHBA with wwnn='20000000c9831b4b', wwpn='10000000c9831b4b' not found after "
            "creating it on host3");
  EXPECT_EQ(vportCreate(), kVportValue);
  EXPECT_EQ(vportDelete(), kVportValue);
  EXPECT_NE(pool.def.source.adapter.managed, model::TriState::Yes);
}

TEST_F(ScsiBackendRecorded, SettleDeadlineOnStartIsOperationTimeoutAndRollsBack) {
  PoolRuntime pool = fcHostPool();
  hook_.onSettle = [&] { tree_.addVhba(3, 7, kWwnn, kWwpn); };
  runner_.expect("udevadm", "settle").fails(timeout());
  auto started = backend_.startPool(pool);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::OperationTimeout);
  EXPECT_EQ(vportDelete(), kVportValue);
}

TEST_F(ScsiBackendRecorded, ExistingVhbaIsUsedAndItsParentChecked) {
  tree_.addVhba(3, 7, kWwnn, kWwpn);
  PoolRuntime pool = fcHostPool("scsi_host3");
  ASSERT_TRUE(backend_.startPool(pool));
  EXPECT_EQ(vportCreate(), "");
  EXPECT_NE(pool.def.source.adapter.managed, model::TriState::Yes);

  PoolRuntime other = fcHostPool("scsi_host4");
  auto mismatch = backend_.startPool(other);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, ErrorCode::XmlError);
  EXPECT_EQ(mismatch.error().message,
            "Parent attribute 'scsi_host4' does not match parent 'scsi_host3' determined for "
            "the 'host7' wwnn/wwpn lookup.");
  PoolRuntime noFc = fcHostPool("scsi_host5");
  auto notFc = backend_.startPool(noFc);
  ASSERT_FALSE(notFc);
  EXPECT_EQ(notFc.error().message, "parent 'scsi_host5' is not an fc_host for the wwnn/wwpn");
}

TEST_F(ScsiBackendRecorded, StopDeletesOnlyAManagedVhba) {
  tree_.addVhba(3, 7, kWwnn, kWwpn);
  PoolRuntime unmanaged = fcHostPool();
  ASSERT_TRUE(backend_.stopPool(unmanaged));
  EXPECT_EQ(vportDelete(), "");

  PoolRuntime managed = fcHostPool();
  managed.def.source.adapter.managed = model::TriState::Yes;
  ASSERT_TRUE(backend_.stopPool(managed));
  EXPECT_EQ(vportDelete(), kVportValue);
}

TEST_F(ScsiBackendRecorded, StopOfAManagedPoolWhoseVhbaIsGoneFails) {
  PoolRuntime pool = fcHostPool();
  pool.def.source.adapter.managed = model::TriState::Yes;
  auto stopped = backend_.stopPool(pool);
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::InternalError);
  EXPECT_EQ(stopped.error().message,
            "Failed to find fc_host for wwnn='20000000c9831b4b' and wwpn='10000000c9831b4b'");
}

TEST_F(ScsiBackendRecorded, RefreshOfFcHostWithoutVhbaIsLibvirtsError) {
  PoolRuntime pool = fcHostPool();
  auto refreshed = backend_.refreshPool(pool);
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().code, ErrorCode::XmlError);
  EXPECT_EQ(refreshed.error().message,
            "Failed to find SCSI host with wwnn='20000000c9831b4b', wwpn='10000000c9831b4b'");
}

}  // namespace
}  // namespace virtus::storage::scsi
