#include "locking/lock_report_json.h"

#include <gtest/gtest.h>

namespace virtus::locking {
namespace {

TEST(LockReportJson, RoundTripsEveryField) {
  LockReport report;
  report.driver = "lockd";
  HeldLock lock;
  lock.resource = "/images/a.img";
  lock.lockspace = "/var/lib/virtus/lockd/files";
  lock.file = "/var/lib/virtus/lockd/files/d89d";
  lock.shared = true;
  lock.domain = "web";
  lock.uuid = *Uuid::parse("3c7d1e2a-5b6f-4a8e-9d01-7e2f3a4b5c6d");
  lock.pid = 4321;
  lock.host = "vm";
  lock.since = 1764900000;
  report.locks.push_back(lock);
  report.lockspaces.push_back({"__LIBVIRT__DISKS__", "/l/__LIBVIRT__DISKS__", "failed", "io"});
  const std::string text = lockReportToJson(report);
  EXPECT_NE(text.find("\"resource\":\"/images/a.img\""), std::string::npos) << text;
  auto back = lockReportFromJson(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->driver, "lockd");
  ASSERT_EQ(back->locks.size(), 1u);
  EXPECT_EQ(back->locks[0].resource, lock.resource);
  EXPECT_EQ(back->locks[0].file, lock.file);
  EXPECT_TRUE(back->locks[0].shared);
  EXPECT_EQ(back->locks[0].uuid, lock.uuid);
  EXPECT_EQ(back->locks[0].pid, 4321);
  EXPECT_EQ(back->locks[0].since, 1764900000);
  ASSERT_EQ(back->lockspaces.size(), 1u);
  EXPECT_EQ(back->lockspaces[0].state, "failed");
  EXPECT_EQ(back->lockspaces[0].reason, "io");
}

TEST(LockReportJson, GarbageIsAnError) {
  auto bad = lockReportFromJson("{\"locks\": 3}");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InternalError);
}

}  // namespace
}  // namespace virtus::locking
