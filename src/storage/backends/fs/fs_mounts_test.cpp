// The mount table on recorded /proc/self/mounts lines (testdata/proc-mounts.txt: lines of this
// machine's table, a tmpfs mounted over a directory with a space for the capture, with an
// NFS and a CIFS line as Linux prints them) and the "is the pool mounted" rule.
#include "storage/backends/fs/fs_mounts.h"

#include <gtest/gtest.h>

#include "storage/backends/fs/fs_test_support.h"

namespace virtus::storage::fs {
namespace {

using testing::testdata;

TEST(FsMountsRecorded, ParsesTheTableAndDecodesEscapes) {
  auto entries = parseMountTable(testdata("proc-mounts.txt"), "/proc/mounts");
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 9u);
  EXPECT_EQ((*entries)[0], (MountEntry{"proc", "/proc", "proc"}));
  EXPECT_EQ((*entries)[4], (MountEntry{"virtus-probe", "/srv/pools/with space", "tmpfs"}));
  EXPECT_EQ((*entries)[6],
            (MountEntry{"nfs.example.com:/export/images", "/srv/pools/nfs1", "nfs4"}));
  EXPECT_EQ((*entries)[7], (MountEntry{"//cifs.example.com/share", "/srv/pools/cifs1", "cifs"}));
}

TEST(FsMounts, BackslashesAndShortEscapesStay) {
  auto entries =
      parseMountTable("a\\134b /x\\011y\\012z ext4 rw 0 0\nsrc\\04 /t ext4 rw 0 0\n", "m");
  ASSERT_TRUE(entries) << entries.error().message;
  EXPECT_EQ((*entries)[0].source, "a\\b");
  EXPECT_EQ((*entries)[0].target, "/x\ty\nz");
  EXPECT_EQ((*entries)[1].source, "src\\04");
}

TEST(FsMounts, GarbageLineIsAnInternalError) {
  auto entries = parseMountTable("proc /proc proc rw 0 0\nnot a-mount-line\n", "/proc/mounts");
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().code, ErrorCode::InternalError);
  EXPECT_EQ(entries.error().message,
            "cannot parse mount list '/proc/mounts': unexpected line 'not a-mount-line'");
}

TEST(FsMounts, LineFieldsSplitAtBlanksAndDecode) {
  EXPECT_EQ(
      mountLineFields("vstorage://c /mnt/vz\\040c fuse.vstorage rw 0 0"),
      (std::vector<std::string>{"vstorage://c", "/mnt/vz c", "fuse.vstorage", "rw", "0", "0"}));
  EXPECT_EQ(mountLineFields("  a\tb  "), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(mountLineFields(" \t").empty());
}

TEST(FsMounts, SamePath) {
  EXPECT_TRUE(samePath("/srv/pool", "/srv/pool/"));
  EXPECT_TRUE(samePath("/srv//pool", "/srv/pool"));
  EXPECT_TRUE(samePath("/", "/"));
  EXPECT_FALSE(samePath("/srv/pool", "/srv/pool2"));
  EXPECT_FALSE(samePath("/srv/pool", "/srv"));
}

class FsMountedRecorded : public testing::FsBackendTest {};

TEST_F(FsMountedRecorded, NeedsTargetAndSourceToMatch) {
  setMounts(testdata("proc-mounts.txt"));
  auto pool = fsPool();
  pool.def.source.devices[0].path = "/dev/loop3";
  pool.def.target.path = "/srv/pools/fs1/";
  auto mounted = isMounted(fs_, roots_, pool.def);
  ASSERT_TRUE(mounted) << mounted.error().message;
  EXPECT_TRUE(*mounted);
  // Something else mounted on the target does not count.
  pool.def.target.path = "/srv/pools/other";
  EXPECT_FALSE(*isMounted(fs_, roots_, pool.def));
  pool.def.source.devices[0].path = "/dev/loop4";
  EXPECT_TRUE(*isMounted(fs_, roots_, pool.def));

  auto nfs = netfsPool();
  nfs.def.target.path = "/srv/pools/nfs1";
  EXPECT_TRUE(*isMounted(fs_, roots_, nfs.def));
  nfs.def.source.dir = "/export/other";
  EXPECT_FALSE(*isMounted(fs_, roots_, nfs.def));

  auto cifs = netfsPool("cifs");
  cifs.def.source.hosts[0].name = "cifs.example.com";
  cifs.def.source.dir = "share";
  cifs.def.target.path = "/srv/pools/cifs1";
  EXPECT_TRUE(*isMounted(fs_, roots_, cifs.def));
}

TEST_F(FsMountedRecorded, UnreadableTableIsLibvirtsError) {
  roots_.proc = dir_.file("no-proc");
  auto mounted = isMounted(fs_, roots_, fsPool().def);
  ASSERT_FALSE(mounted);
  EXPECT_EQ(mounted.error().code, ErrorCode::SystemError);
  EXPECT_EQ(mounted.error().message.rfind("cannot read mount list '" + roots_.proc + "/mounts'", 0),
            0u)
      << mounted.error().message;
}

}  // namespace
}  // namespace virtus::storage::fs
