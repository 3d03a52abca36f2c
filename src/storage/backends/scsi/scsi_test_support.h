// Shared by the scsi backend's tests: a host tree (sysfs and /dev) laid out in a temporary
// directory exactly as the kernel and udev lay it out on a host with
//
//   - a SAS HBA at PCI 0000:00:10.0 = SCSI host 5 (unique_id 1) with LUNs 5:0:0:0 (disk sdb,
//     1 GiB), 5:0:0:1 (disk sdc, 2 GiB) and 5:0:1:0 (an enclosure, type 13, no block device);
//   - an AHCI controller at 0000:00:1f.2 = SCSI host 2 (unique_id 1 as well) with disk sda;
//   - FC HBAs at 0000:10:00.0 = host3 (NPIV-capable, Online, 0 of 255 vports in use) and
//     0000:10:00.1 = host4 (no NPIV: no vport_create), both on fabric 0x2001000dec9877c1;
//
// plus addVhba(), which lays out a vHBA the way the kernel makes one after a write to the
// parent's vport_create (.../host3/vport-3:0-0/host7).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>

#include "fakes/fake_command_runner.h"
#include "storage/backends/scsi/sysfs_tree_test_support.h"
#include "support/temp_dir.h"

namespace virtus::storage::scsi::testing {

inline constexpr const char* kWwnn = "20000000c9831b4b";
inline constexpr const char* kWwpn = "10000000c9831b4b";
inline constexpr const char* kFcPci = "pci0000:00/0000:00:03.0/0000:10:00.0";

class ScsiHostTree : public SysfsTree {
 public:
  ScsiHostTree() : SysfsTree("virtus-scsi") {
    pciDevice("pci0000:00/0000:00:10.0");
    pciDevice("pci0000:00/0000:00:1f.2");
    pciDevice("pci0000:00/0000:00:03.0");  // the PCIe root port above the FC HBAs
    pciDevice(kFcPci);
    pciDevice("pci0000:00/0000:00:03.0/0000:10:00.1");
    scsiHost("pci0000:00/0000:00:10.0/host5", 5, 1);
    scsiHost("pci0000:00/0000:00:1f.2/ata1/host2", 2, 1);
    const std::string sas = "devices/pci0000:00/0000:00:10.0/host5/port-5:0/end_device-5:0/";
    lun(sas + "target5:0:0/5:0:0:0", "0", "sdb", 2097152);
    lun(sas + "target5:0:0/5:0:0:1", "0", "sdc", 4194304);
    lun(sas + "target5:0:1/5:0:1:0", "13", "", 0);
    lun("devices/pci0000:00/0000:00:1f.2/ata1/host2/target2:0:0/2:0:0:0", "0", "sda", 1000);
    for (const char* dev : {"sda", "sdb", "sdc"})
      file("dev/" + std::string(dev), "");
    byPath("pci-0000:00:10.0-sas-phy0-lun-0", "sdb");
    byPath("pci-0000:00:10.0-sas-phy1-lun-0", "sdc");
    byPath("pci-0000:00:1f.2-ata-1", "sda");

    fcHost(std::string(kFcPci) + "/host3", 3, "0x20000000c9831b4a", "0x10000000c9831b4a");
    file(fcDir(3) + "/vport_create", "");
    file(fcDir(3) + "/vport_delete", "");
    file(fcDir(3) + "/max_npiv_vports", "255\n");
    file(fcDir(3) + "/npiv_vports_inuse", "0\n");
    fcHost("pci0000:00/0000:00:03.0/0000:10:00.1/host4", 4, "0x20000000c9831b4c",
           "0x10000000c9831b4c");
  }

  std::string fcDir(unsigned host) const { return fcDirs_.at(host); }

  // What the kernel lays out after "WWPN:WWNN" went to host`parent`'s vport_create: the
  // vport, the new SCSI host `host` with its fc_host and scsi_host class entries.
  void addVhba(unsigned parent, unsigned host, const std::string& wwnn, const std::string& wwpn) {
    const std::string parentDev = parentDevs_.at(parent);
    const std::string vport = "vport-" + std::to_string(parent) + ":0-0";
    fcHost(parentDev.substr(std::string("devices/").size()) + "/" + vport + "/host" +
               std::to_string(host),
           host, "0x" + wwnn, "0x" + wwpn);
  }

 private:
  void pciDevice(const std::string& devpath) {
    file("sys/devices/" + devpath + "/vendor", "0x1000\n");
    std::string name = std::filesystem::path(devpath).filename().string();
    link("sys/bus/pci/devices/" + name, "../../../devices/" + devpath);
  }
  // sys/devices/DEVPATH is SCSI host N, with its scsi_host class entry.
  void scsiHost(const std::string& devpath, unsigned n, unsigned uniqueId) {
    const std::string host = "host" + std::to_string(n);
    const std::string dir = "sys/devices/" + devpath + "/scsi_host/" + host;
    file(dir + "/unique_id", std::to_string(uniqueId) + "\n");
    file(dir + "/scan", "");
    link(dir + "/device", "../../../" + host);
    link("sys/class/scsi_host/" + host, "../../devices/" + devpath + "/scsi_host/" + host);
    link("sys/bus/scsi/devices/" + host, "../../../devices/" + devpath);
    parentDevs_[n] = "devices/" + devpath;
  }
  void fcHost(const std::string& devpath, unsigned n, const std::string& wwnn,
              const std::string& wwpn) {
    scsiHost(devpath, n, 0);
    const std::string host = "host" + std::to_string(n);
    const std::string dir = "sys/devices/" + devpath + "/fc_host/" + host;
    file(dir + "/node_name", wwnn + "\n");
    file(dir + "/port_name", wwpn + "\n");
    file(dir + "/fabric_name", "0x2001000dec9877c1\n");
    file(dir + "/port_state", "Online\n");
    link(dir + "/device", "../../../" + host);
    link("sys/class/fc_host/" + host, "../../devices/" + devpath + "/fc_host/" + host);
    fcDirs_[n] = dir;
  }
  std::map<unsigned, std::string> fcDirs_;
  std::map<unsigned, std::string> parentDevs_;
};

// A CommandRunner that plays the kernel and udev: before handing `udevadm settle` to the
// scripted fake, it runs onSettle (which lays out what the kernel made meanwhile).
class SettleHook final : public os::CommandRunner {
 public:
  explicit SettleHook(virtus::testing::FakeCommandRunner& fake) : fake_(fake) {}
  std::function<void()> onSettle;
  Result<os::CommandOutput> run(const os::Command& command) override {
    if (command.program == "udevadm" && onSettle)
      onSettle();
    return fake_.run(command);
  }

 private:
  virtus::testing::FakeCommandRunner& fake_;
};

}  // namespace virtus::storage::scsi::testing
