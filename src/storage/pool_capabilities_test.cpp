#include "storage/pool_capabilities.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <set>
#include <sstream>

namespace virtus::storage {
namespace {

using model::PoolType;

std::string readTestdata(const std::string& name) {
  std::ifstream in(std::string(VIRTUS_SOURCE_DIR) + "/src/storage/testdata/poolcaps/" + name,
                   std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The backends of libvirt 9.0's unprivileged libvirtd on Debian 12, which recorded
// testdata/poolcaps/session-libvirtd.xml (see generate.sh there).
bool sessionLibvirtdHas(PoolType type) {
  static const std::set<PoolType> kLoaded = {
      PoolType::Dir,  PoolType::Fs,    PoolType::Netfs, PoolType::Logical,
      PoolType::Disk, PoolType::Iscsi, PoolType::Scsi,  PoolType::Mpath,
  };
  return kLoaded.count(type) > 0;
}

TEST(PoolCapabilitiesTest, MatchesLibvirtByteForByte) {
  std::string expected = readTestdata("session-libvirtd.xml");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(formatPoolCapabilities(describePoolTypes(sessionLibvirtdHas)), expected);
}

TEST(PoolCapabilitiesTest, ListsEveryTypeInLibvirtOrderWhateverIsSupported) {
  auto pools = describePoolTypes([](PoolType type) { return type == PoolType::Dir; });
  ASSERT_EQ(pools.size(), 14u);
  std::vector<std::string_view> types;
  for (const auto& p : pools) {
    types.push_back(p.type);
    EXPECT_EQ(p.supported, p.type == "dir") << p.type;
  }
  EXPECT_EQ(types, (std::vector<std::string_view>{"dir", "fs", "netfs", "logical", "disk", "iscsi",
                                                  "iscsi-direct", "scsi", "mpath", "rbd",
                                                  "sheepdog", "gluster", "zfs", "vstorage"}));
  // Options do not depend on support: an unsupported disk pool still lists its formats.
  const auto& disk = pools[static_cast<int>(PoolType::Disk)];
  ASSERT_TRUE(disk.poolOptions);
  EXPECT_EQ(disk.poolOptions->defaultFormat, "unknown");
  ASSERT_TRUE(disk.volOptions);
  EXPECT_EQ(disk.volOptions->defaultFormat, "none");
  EXPECT_EQ(disk.volOptions->values.size(), 8u);
  EXPECT_FALSE(pools[static_cast<int>(PoolType::Mpath)].poolOptions);
  EXPECT_FALSE(pools[static_cast<int>(PoolType::Mpath)].volOptions);
}

TEST(PoolCapabilitiesTest, OnlyDirSupportedChangesOnlyTheSupportedAttributes) {
  std::string expected = readTestdata("session-libvirtd.xml");
  for (std::string_view type : {"fs", "netfs", "logical", "disk", "iscsi", "scsi", "mpath"}) {
    std::string yes = "<pool type='" + std::string(type) + "' supported='yes'>";
    auto at = expected.find(yes);
    ASSERT_NE(at, std::string::npos) << type;
    expected.replace(at, yes.size(), "<pool type='" + std::string(type) + "' supported='no'>");
  }
  EXPECT_EQ(formatPoolCapabilities(
                describePoolTypes([](PoolType type) { return type == PoolType::Dir; })),
            expected);
}

TEST(PoolCapabilitiesTest, FormatsFromPlainData) {
  static const std::array<std::string_view, 2> kSource = {"a", "b"};
  std::vector<PoolTypeCapability> pools(3);
  pools[0].type = "one";
  pools[0].supported = true;
  pools[0].poolOptions = FormatChoices{"b", kSource};
  pools[1].type = "two";
  pools[2].type = "three";
  pools[2].volOptions = FormatChoices{"raw", {}};
  EXPECT_EQ(formatPoolCapabilities(pools),
            "<storagepoolCapabilities>\n"
            "  <pool type='one' supported='yes'>\n"
            "    <poolOptions>\n"
            "      <defaultFormat type='b'/>\n"
            "      <enum name='sourceFormatType'>\n"
            "        <value>a</value>\n"
            "        <value>b</value>\n"
            "      </enum>\n"
            "    </poolOptions>\n"
            "  </pool>\n"
            "  <pool type='two' supported='no'>\n"
            "  </pool>\n"
            "  <pool type='three' supported='no'>\n"
            "    <volOptions>\n"
            "      <defaultFormat type='raw'/>\n"
            "      <enum name='targetFormatType'>\n"
            "      </enum>\n"
            "    </volOptions>\n"
            "  </pool>\n"
            "</storagepoolCapabilities>\n");
}

TEST(PoolCapabilitiesTest, NoPoolsIsAnEmptyDocument) {
  EXPECT_EQ(formatPoolCapabilities({}), "<storagepoolCapabilities>\n</storagepoolCapabilities>\n");
}

TEST(PoolCapabilitiesTest, OperationNamesFollowTheFeatures) {
  BackendFeatures none;
  EXPECT_EQ(operationNames(none), std::vector<std::string_view>{"refresh"});
  BackendFeatures some;
  some.buildPool = true;
  some.stopPool = true;
  some.resizeVol = true;
  some.wipeVol = true;
  EXPECT_EQ(operationNames(some), (std::vector<std::string_view>{"build", "refresh", "destroy",
                                                                 "vol-resize", "vol-wipe"}));
}

}  // namespace
}  // namespace virtus::storage
