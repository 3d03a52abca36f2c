// Shared by the iscsi backend's tests: the replayed iscsiadm output (testdata/), a host tree
// (sysfs and /dev) laid out in a temporary directory as the kernel and udev make it for a
// logged-in session, and a small secret driver.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "driver/secret_driver.h"
#include "storage/backends/scsi/sysfs_tree_test_support.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

namespace virtus::storage::iscsi::testing {

inline constexpr const char* kTarget = "iqn.2024-01.org.example:store";
inline constexpr const char* kPortal = "192.0.2.10:3260,1";
inline constexpr const char* kInitiator = "iqn.2024-01.org.example:initiator";

inline std::string testdata(const std::string& name) {
  return fixtures::readFile(std::string(VIRTUS_SOURCE_DIR) +
                            "/src/storage/backends/iscsi/testdata/" + name);
}

// SYS and DEV under a temporary directory, as on a host whose session 3 to kTarget is SCSI
// host 5 with the target's controller LUN 0 (type 12) and disks LUN 1 (sdb, 1 GiB) and
// LUN 2 (sdc, 2 GiB); SCSI host 2 has a local disk (sda) that is none of the pool's.
class HostTree : public scsi::testing::SysfsTree {
 public:
  HostTree() : SysfsTree("virtus-iscsi") {
    namespace fs = std::filesystem;
    const std::string session = "devices/platform/host5/session3";
    const std::string target = session + "/target5:0:0";
    dir("sys/" + session + "/iscsi_session/session3");
    link("sys/class/iscsi_session/session3",
         "../../devices/platform/host5/session3/iscsi_session/session3");
    link("sys/" + session + "/iscsi_session/session3/device", "../../../session3");
    link("sys/bus/scsi/devices/host5", "../../../devices/platform/host5");
    link("sys/bus/scsi/devices/target5:0:0", "../../../" + target);
    lun(target + "/5:0:0:0", "12", "", 0);
    lun(target + "/5:0:0:1", "0", "sdb", 2097152);
    lun(target + "/5:0:0:2", "0", "sdc", 4194304);
    lun("devices/pci0000:00/0000:00:1f.2/ata1/host2/target2:0:0/2:0:0:0", "0", "sda", 1000);
    for (const char* dev : {"sda", "sdb", "sdc"})
      file("dev/" + std::string(dev), "");
    byPath("ip-192.0.2.10:3260-iscsi-" + std::string(kTarget) + "-lun-1", "sdb");
    byPath("ip-192.0.2.10:3260-iscsi-" + std::string(kTarget) + "-lun-2", "sdc");
    byPath("pci-0000:00:1f.2-ata-1", "sda");
  }
};

// Secrets by UUID with their values; only what poolAuthSecret uses.
class FakeSecrets final : public driver::SecretDriver {
 public:
  void add(const Uuid& uuid, driver::SecretUsageType type, std::string value) {
    entries_[uuid] = {driver::SecretHandle{uuid, type, "iscsi-chap"}, std::move(value)};
  }
  Result<std::vector<driver::SecretHandle>> listAllSecrets(unsigned) override { return none(); }
  Result<driver::SecretHandle> lookupSecretByUuid(const Uuid& uuid) override {
    auto it = entries_.find(uuid);
    if (it == entries_.end())
      return makeError(ErrorCode::NoSecret, ErrorDomain::Secret,
                       "no secret with matching uuid '" + uuid.str() + "'");
    return it->second.first;
  }
  Result<driver::SecretHandle> lookupSecretByUsage(driver::SecretUsageType,
                                                   std::string_view usage) override {
    return makeError(ErrorCode::NoSecret, ErrorDomain::Secret,
                     "no secret with matching usage '" + std::string(usage) + "'");
  }
  Result<driver::SecretHandle> defineSecret(std::string_view, unsigned) override { return none(); }
  Result<std::string> secretXml(const driver::SecretHandle&, unsigned) override { return none(); }
  Result<void> setSecretValue(const driver::SecretHandle&, std::string_view, unsigned) override {
    return none();
  }
  Result<std::string> secretValue(const driver::SecretHandle& h, unsigned, bool) override {
    return entries_.at(h.uuid).second;
  }
  Result<void> undefineSecret(const driver::SecretHandle&) override { return none(); }

 private:
  static Error none() { return makeError(ErrorCode::NoSupport, ErrorDomain::Secret, "fake"); }
  std::map<Uuid, std::pair<driver::SecretHandle, std::string>> entries_;
};

}  // namespace virtus::storage::iscsi::testing
