#include "locking/sanlock/lease_name.h"

#include <gtest/gtest.h>

#include "locking/sanlock/held_leases.h"

namespace virtus::locking::sanlock {
namespace {

// Digests from `printf %s PATH | md5sum`.
TEST(LeaseName, IsTheMd5HexOfThePath) {
  EXPECT_EQ(diskLeaseName("/var/lib/images/guest.qcow2"), "4755b1429bfdc61b57ae236624d559f1");
  EXPECT_EQ(diskLeaseName(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(kDiskLockspace, "__LIBVIRT__DISKS__");
}

TEST(LeaseName, RecognisesLeaseFileNames) {
  EXPECT_TRUE(isDiskLeaseName("4755b1429bfdc61b57ae236624d559f1"));
  EXPECT_FALSE(isDiskLeaseName("__LIBVIRT__DISKS__"));
  EXPECT_FALSE(isDiskLeaseName("4755b1429bfdc61b57ae236624d559f"));
  EXPECT_FALSE(isDiskLeaseName("4755B1429BFDC61B57AE236624D559F1"));
  EXPECT_FALSE(isDiskLeaseName("4755b1429bfdc61b57ae236624d559f1.tmp"));
}

TEST(HeldLeases, RoundTrip) {
  HeldProcess p;
  p.pid = 1234;
  p.name = "vm1";
  p.uuid = *Uuid::parse("c7a5fdbd-cdaf-9455-926a-d65c16db1809");
  p.leases.push_back({"/images/a.img", {"__LIBVIRT__DISKS__", "abc", "/l/abc", 0, false}, 17});
  p.leases.push_back({"LS:key", {"LS", "key", "/l/ls", 1048576, true}, 18});
  std::string text = formatHeldLeases({p});
  auto parsed = parseHeldLeases(text, "state.json");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0], p);
}

TEST(HeldLeases, GarbageIsAnError) {
  auto parsed = parseHeldLeases("{\"processes\": [{\"pid\": \"x\"}]}", "state.json");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("'state.json'"), std::string::npos);
  EXPECT_FALSE(parseHeldLeases("not json", "s"));
}

}  // namespace
}  // namespace virtus::locking::sanlock
