#include "model/storage/vol_format_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace virtus::model {
namespace {

std::vector<std::string> names(std::span<const std::string_view> list) {
  return {list.begin(), list.end()};
}

TEST(VolFormatNames, FilePoolsTakeImageFormats) {
  const std::vector<std::string> expected = {"raw",  "dir",   "bochs", "cloop", "dmg",   "iso",
                                             "vpc",  "vdi",   "fat",   "vhd",   "ploop", "cow",
                                             "qcow", "qcow2", "qed",   "vmdk"};
  for (PoolType type : {PoolType::Dir, PoolType::Fs, PoolType::Netfs, PoolType::Gluster,
                        PoolType::Vstorage, PoolType::Rbd}) {
    auto options = volFormatOptions(type);
    ASSERT_TRUE(options.has_value());
    EXPECT_EQ(options->defaultFormat, "raw");
    EXPECT_EQ(names(options->accepted), expected);
    EXPECT_EQ(findVolFormat(type, "qcow2"), "qcow2");
    EXPECT_FALSE(findVolFormat(type, "none").has_value());
    EXPECT_FALSE(findVolFormat(type, "luks").has_value());
    EXPECT_FALSE(findVolFormat(type, "linux").has_value());
  }
  // Capabilities list the whole enum, "none" first; rbd's table has no length.
  EXPECT_EQ(volFormatOptions(PoolType::Dir)->advertised.size(), 17u);
  EXPECT_EQ(volFormatOptions(PoolType::Dir)->advertised.front(), "none");
  EXPECT_TRUE(volFormatOptions(PoolType::Rbd)->advertised.empty());
}

TEST(VolFormatNames, DiskPoolsTakePartitionTypes) {
  auto options = volFormatOptions(PoolType::Disk);
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(options->defaultFormat, "none");
  EXPECT_EQ(names(options->accepted),
            (std::vector<std::string>{"none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm",
                                      "linux-raid", "extended"}));
  EXPECT_FALSE(findVolFormat(PoolType::Disk, "raw").has_value());
}

TEST(VolFormatNames, OtherPoolsHaveNoFormats) {
  for (PoolType type : {PoolType::Logical, PoolType::Iscsi, PoolType::IscsiDirect, PoolType::Scsi,
                        PoolType::Mpath, PoolType::Sheepdog, PoolType::Zfs}) {
    EXPECT_FALSE(volFormatOptions(type).has_value());
    EXPECT_FALSE(findVolFormat(type, "raw").has_value());
  }
}

}  // namespace
}  // namespace virtus::model
