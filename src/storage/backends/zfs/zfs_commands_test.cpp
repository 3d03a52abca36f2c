// The zfs backend's command lines (golden, as libvirt 9.0 builds them where it has them) and
// its parsers on recorded zfs/zpool output (testdata/README.md: ZFS cannot run here).
#include "storage/backends/zfs/zfs_commands.h"

#include <gtest/gtest.h>

#include "storage/backends/zfs/zfs_test_support.h"

namespace virtus::storage::zfs {
namespace {

using testing::Argv;
using testing::argv;
using testing::tankPool;
using testing::testdata;

TEST(ZfsCommandsRecorded, GoldenPoolCommandLines) {
  auto def = tankPool();
  def.source.devices.push_back({"/dev/sdb"});
  def.source.devices.push_back({"/dev/sdc"});
  EXPECT_EQ(argv(buildDatasetExists(def)),
            (Argv{"zfs", "list", "-H", "-t", "filesystem", "-o", "name", "tank"}));
  EXPECT_EQ(argv(buildZpoolGet(def)),
            (Argv{"zpool", "get", "-Hp", "health,size,free,allocated", "tank"}));
  EXPECT_EQ(argv(buildListVolumes(def)), (Argv{"zfs", "list", "-Hp", "-t", "volume", "-r", "-o",
                                               "name,volsize,refreservation", "tank"}));
  auto create = buildPoolCreate(def);
  ASSERT_TRUE(create) << create.error().message;
  EXPECT_EQ(argv(*create), (Argv{"zpool", "create", "tank", "/dev/sdb", "/dev/sdc"}));
  EXPECT_EQ(argv(buildPoolDestroy(def)), (Argv{"zpool", "destroy", "tank"}));
}

TEST(ZfsCommandsRecorded, GoldenDatasetPoolCommandLines) {
  // A pool on a dataset: the zpool's capacity, the dataset's volumes, zfs create/destroy.
  auto def = tankPool("tank/vms");
  EXPECT_EQ(zpoolOf(def), "tank");
  EXPECT_EQ(argv(buildZpoolGet(def)),
            (Argv{"zpool", "get", "-Hp", "health,size,free,allocated", "tank"}));
  EXPECT_EQ(argv(buildListVolumes(def)), (Argv{"zfs", "list", "-Hp", "-t", "volume", "-r", "-o",
                                               "name,volsize,refreservation", "tank/vms"}));
  auto create = buildPoolCreate(def);
  ASSERT_TRUE(create);
  EXPECT_EQ(argv(*create), (Argv{"zfs", "create", "-o", "mountpoint=none", "tank/vms"}));
  EXPECT_EQ(argv(buildPoolDestroy(def)), (Argv{"zfs", "destroy", "-r", "tank/vms"}));
}

TEST(ZfsCommandsRecorded, ZpoolCreateNeedsDevices) {
  auto r = buildPoolCreate(tankPool());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(r.error().message, "missing source devices");
}

TEST(ZfsCommandsRecorded, GoldenVolumeCommandLines) {
  auto def = tankPool();
  EXPECT_EQ(argv(buildZfsGetUsage()), (Argv{"env", "LC_ALL=C", "zfs", "get"}));
  // Fully allocated: no -s; sizes in KiB rounded up.
  EXPECT_EQ(argv(buildVolumeCreate(def, "v1", 1073741824, 1073741824, {})),
            (Argv{"zfs", "create", "-V", "1048576K", "tank/v1"}));
  EXPECT_EQ(argv(buildVolumeCreate(def, "v1", 1000, 1000, {})),
            (Argv{"zfs", "create", "-V", "1K", "tank/v1"}));
  // Sparse without a reservation, sparse with one, and with volmode.
  EXPECT_EQ(argv(buildVolumeCreate(def, "v1", 10485760, 0, {})),
            (Argv{"zfs", "create", "-s", "-V", "10240K", "tank/v1"}));
  EXPECT_EQ(argv(buildVolumeCreate(def, "v1", 10485760, 1048577, {})),
            (Argv{"zfs", "create", "-s", "-o", "refreservation=1025K", "-V", "10240K", "tank/v1"}));
  EXPECT_EQ(argv(buildVolumeCreate(def, "v1", 10485760, 1048576, {.volmode = true})),
            (Argv{"zfs", "create", "-o", "volmode=dev", "-s", "-o", "refreservation=1024K", "-V",
                  "10240K", "tank/v1"}));
  EXPECT_EQ(argv(buildListVolume(def, "v1")), (Argv{"zfs", "list", "-Hp", "-t", "volume", "-o",
                                                    "name,volsize,refreservation", "tank/v1"}));
  EXPECT_EQ(argv(buildListRelations(def, "v1")),
            (Argv{"zfs", "list", "-H", "-t", "volume,snapshot", "-r", "-o", "name,origin,clones",
                  "tank/v1"}));
  EXPECT_EQ(argv(buildDestroy("tank/v1")), (Argv{"zfs", "destroy", "tank/v1"}));
  EXPECT_EQ(argv(buildResize(def, "v1", 2147483648)),
            (Argv{"zfs", "set", "volsize=2147483648", "tank/v1"}));
  EXPECT_EQ(cloneSnapshotOf(def, "base", "web"), "tank/base@virtus-clone-web");
  EXPECT_EQ(argv(buildSnapshot("tank/base@virtus-clone-web")),
            (Argv{"zfs", "snapshot", "tank/base@virtus-clone-web"}));
  EXPECT_EQ(argv(buildClone("tank/base@virtus-clone-web", def, "web")),
            (Argv{"zfs", "clone", "tank/base@virtus-clone-web", "tank/web"}));
}

TEST(ZfsCommandsRecorded, ParsesRecordedZpoolGet) {
  auto props = parseZpoolGet(testdata("zpool-get.out"));
  ASSERT_TRUE(props) << props.error().message;
  EXPECT_EQ(props->health, "ONLINE");
  EXPECT_EQ(props->size, 10603200512u);
  EXPECT_EQ(props->free, 7356792832u);
  EXPECT_EQ(props->allocated, 3246407680u);
}

TEST(ZfsCommandsRecorded, RejectsGarbageZpoolGet) {
  auto bad = parseZpoolGet("tank\tsize\t10G\t-\ntank\tfree\t1\t-\ntank\tallocated\t1\t-\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InternalError);
  EXPECT_EQ(bad.error().message,
            "'zpool get' reported a malformed size in line 'tank\tsize\t10G\t-'");

  auto fields = parseZpoolGet("NAME  PROPERTY  VALUE  SOURCE\n");
  ASSERT_FALSE(fields);
  EXPECT_EQ(fields.error().code, ErrorCode::InternalError);
  EXPECT_NE(fields.error().message.find("'NAME  PROPERTY  VALUE  SOURCE'"), std::string::npos);

  auto missing = parseZpoolGet("tank\thealth\tONLINE\t-\n");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::InternalError);
  EXPECT_EQ(parseZpoolGet("").error().code, ErrorCode::InternalError);
}

TEST(ZfsCommandsRecorded, ParsesRecordedVolumeList) {
  auto vols = parseVolumeList(testdata("zfs-list-volumes.out"));
  ASSERT_TRUE(vols) << vols.error().message;
  ASSERT_EQ(vols->size(), 3u);
  EXPECT_EQ((*vols)[0].dataset, "tank/disk1");
  EXPECT_EQ((*vols)[0].volsize, 2147483648u);
  EXPECT_EQ((*vols)[0].refreservation, 2214592512u);
  EXPECT_EQ((*vols)[1].dataset, "tank/sparse");
  EXPECT_EQ((*vols)[1].refreservation, 0u);
  EXPECT_EQ((*vols)[2].dataset, "tank/vms/web");
  auto empty = parseVolumeList("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(ZfsCommandsRecorded, RejectsGarbageVolumeList) {
  struct Case {
    const char* output;
    const char* message;
  } cases[] = {
      {"tank/v\t1G\t0\n", "'zfs list' reported a malformed volsize in line 'tank/v\t1G\t0'"},
      {"tank/v\t1024\tlots\n",
       "'zfs list' reported a malformed refreservation in line 'tank/v\t1024\tlots'"},
      {"tank/v 1024 0\n",
       "'zfs list' reported an unexpected number of fields in line "
       "'tank/v 1024 0'"},
      {"no datasets available\n",
       "'zfs list' reported an unexpected number of fields in line "
       "'no datasets available'"},
  };
  for (const auto& c : cases) {
    auto r = parseVolumeList(c.output);
    ASSERT_FALSE(r) << c.output;
    EXPECT_EQ(r.error().code, ErrorCode::InternalError);
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(ZfsCommandsRecorded, DetectsVolmodeInRecordedUsage) {
  EXPECT_TRUE(usageListsVolmode(testdata("zfs-get-usage-openzfs-2.1.err")));
  EXPECT_FALSE(usageListsVolmode(testdata("zfs-get-usage-zol-0.6.err")));
  // libvirt's own test: " volmode " anywhere.
  EXPECT_TRUE(usageListsVolmode("properties: volmode volsize"));
  EXPECT_FALSE(usageListsVolmode("\tvolmodes  YES\n"));
  EXPECT_FALSE(usageListsVolmode(""));
}

TEST(ZfsCommandsRecorded, ParsesRecordedRelations) {
  auto origin = parseRelations(testdata("zfs-relations-origin.out"), "tank/base");
  ASSERT_TRUE(origin) << origin.error().message;
  EXPECT_EQ(origin->origin, "");
  ASSERT_EQ(origin->snapshots.size(), 3u);
  EXPECT_EQ(origin->snapshots[0].first, "tank/base@virtus-clone-web");
  EXPECT_EQ(origin->snapshots[0].second, (std::vector<std::string>{"tank/web"}));
  EXPECT_EQ(origin->snapshots[1].second, (std::vector<std::string>{"tank/db"}));
  EXPECT_EQ(origin->snapshots[2].first, "tank/base@nightly");
  EXPECT_TRUE(origin->snapshots[2].second.empty());

  auto clone = parseRelations(testdata("zfs-relations-clone.out"), "tank/web");
  ASSERT_TRUE(clone);
  EXPECT_EQ(clone->origin, "tank/base@virtus-clone-web");
  EXPECT_TRUE(clone->snapshots.empty());

  auto multi = parseRelations("tank/b@s\t-\ttank/x,tank/y\n", "tank/b");
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->snapshots[0].second, (std::vector<std::string>{"tank/x", "tank/y"}));

  auto other = parseRelations("tank/other\t-\t-\n", "tank/b");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::InternalError);
  auto garbage = parseRelations("tank/b -\n", "tank/b");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::InternalError);
}

TEST(ZfsCommandsRecorded, RecognisesMissingDatasets) {
  EXPECT_TRUE(saysNoSuchDataset(testdata("zfs-list-nosuch.err")));
  EXPECT_FALSE(saysNoSuchDataset(testdata("zpool-get-nosuch.err")));
}

}  // namespace
}  // namespace virtus::storage::zfs
