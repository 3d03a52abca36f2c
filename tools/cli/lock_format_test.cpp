#include "cli/lock_format.h"

#include <gtest/gtest.h>

namespace virtus::cli {
namespace {

TEST(LockFormat, LocksAndLockspacesAsTables) {
  locking::LockReport report;
  report.driver = "sanlock";
  locking::HeldLock lock;
  lock.resource = "/images/web.img";
  lock.domain = "web";
  lock.pid = 4321;
  lock.host = "host id 1";
  lock.since = 1764910203;  // 2025-12-05 04:50:03 UTC
  report.locks.push_back(lock);
  lock.resource = "/images/shared.img";
  lock.shared = true;
  report.locks.push_back(lock);
  report.lockspaces.push_back(
      {"__LIBVIRT__DISKS__", "/var/lib/virtus/sanlock/__LIBVIRT__DISKS__", "joining", ""});
  EXPECT_EQ(renderLockReport(report, false),
            "Lock manager: sanlock\n"
            "\n"
            " Resource             Domain   Pid    Host        Mode        Since (UTC)\n"
            "-----------------------------------------------------------------------------------\n"
            " /images/web.img      web      4321   host id 1   exclusive   2025-12-05 04:50:03\n"
            " /images/shared.img   web      4321   host id 1   shared      2025-12-05 04:50:03\n"
            "\n"
            " Lockspace            State     Path\n"
            "----------------------------------------------------------------------------\n"
            " __LIBVIRT__DISKS__   joining   /var/lib/virtus/sanlock/__LIBVIRT__DISKS__\n");
}

TEST(LockFormat, AnEmptyReportStillNamesTheDriver) {
  locking::LockReport report;
  report.driver = "nop";
  const std::string text = renderLockReport(report, false);
  EXPECT_EQ(text.rfind("Lock manager: nop\n", 0), 0u) << text;
  EXPECT_EQ(renderLockReport(report, true).find("Lock manager"), std::string::npos);
}

}  // namespace
}  // namespace virtus::cli
