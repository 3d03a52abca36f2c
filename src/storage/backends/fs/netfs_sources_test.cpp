// showmount output (testdata/showmount-*.txt) is Recorded in showmount's format: this kernel
// has no NFS, so it was written as nfs-utils prints it (each export padded to the longest,
// a space, the clients joined by ',', "(everyone)" for an export to all).
#include "storage/backends/fs/netfs_sources.h"

#include <gtest/gtest.h>

#include "model/storage/pool_xml.h"
#include "storage/backends/fs/fs_test_support.h"

namespace virtus::storage::fs {
namespace {

using testing::testdata;

TEST(NetfsSources, ShowmountCommandIsLibvirts) {
  auto cmd = buildShowmountCommand("nfs.example.com");
  EXPECT_EQ(cmd.toArgvText(), "showmount \\\n--no-headers \\\n--exports nfs.example.com");
}

TEST(NetfsSourcesRecorded, ParsesExportsWithSpacesInDirectories) {
  auto dirs = parseShowmountExports(testdata("showmount-exports.txt"));
  ASSERT_TRUE(dirs) << dirs.error().message;
  EXPECT_EQ(*dirs, (std::vector<std::string>{"/export/images", "/export/iso",
                                             "/export/with space dir", "/srv/nfs"}));
  auto none = parseShowmountExports("");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(NetfsSourcesRecorded, GarbageIsAnInternalErrorNamingTheLine) {
  auto dirs = parseShowmountExports(testdata("showmount-garbage.txt"));
  ASSERT_FALSE(dirs);
  EXPECT_EQ(dirs.error().code, ErrorCode::InternalError);
  EXPECT_EQ(dirs.error().message,
            "showmount printed an unexpected line 'clnt_create: RPC: Program not registered'");
  for (const char* bad : {"/export", "/export   ", "relative  *", "/ *", "/a\t *"}) {
    auto r = parseShowmountExports(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InternalError) << bad;
  }
}

TEST(NetfsSources, DirectoryEndingInSlashIsLibvirtsError) {
  auto dirs = parseShowmountExports("/export/  *\n");
  ASSERT_FALSE(dirs);
  EXPECT_EQ(dirs.error().message, "invalid netfs path (ends in /): /export/");
}

TEST(NetfsSources, FormattedAsLibvirtListsThem) {
  EXPECT_EQ(model::formatPoolSourceList(model::PoolType::Netfs, {nfsSource("h", "/export/images"),
                                                                 glusterNetfsSource("h", "vol0")}),
            "<sources>\n"
            "  <source>\n"
            "    <host name='h'/>\n"
            "    <dir path='/export/images'/>\n"
            "    <format type='nfs'/>\n"
            "  </source>\n"
            "  <source>\n"
            "    <host name='h'/>\n"
            "    <dir path='vol0'/>\n"
            "    <format type='glusterfs'/>\n"
            "  </source>\n"
            "</sources>\n");
}

}  // namespace
}  // namespace virtus::storage::fs
