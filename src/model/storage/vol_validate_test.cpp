#include "model/storage/vol_validate.h"

#include <gtest/gtest.h>

namespace virtus::model {
namespace {

PoolDef poolOfType(PoolType type) {
  PoolDef pool;
  pool.type = type;
  return pool;
}

TEST(VolValidate, SlashInNameRefusedForDirectoryPools) {
  VolDef vol;
  vol.name = "a/b";
  for (PoolType type : {PoolType::Dir, PoolType::Fs, PoolType::Netfs, PoolType::Vstorage}) {
    auto result = validateVol(poolOfType(type), vol);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::OperationInvalid);
    EXPECT_EQ(result.error().message, "volume name 'a/b' cannot contain '/'");
  }
  EXPECT_TRUE(validateVol(poolOfType(PoolType::Rbd), vol).has_value());
  vol.name = "ab";
  EXPECT_TRUE(validateVol(poolOfType(PoolType::Dir), vol).has_value());
}

TEST(VolValidate, QemuImgOptionsNeedQcow2) {
  VolDef vol;
  vol.target.format = "raw";
  EXPECT_TRUE(validateVolForQemuImg(vol).has_value());
  vol.target.compat = "1.1";
  auto compat = validateVolForQemuImg(vol);
  ASSERT_FALSE(compat.has_value());
  EXPECT_EQ(compat.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(compat.error().message, "compatibility option only available with qcow2");
  vol.target.compat.clear();
  vol.target.hasFeatures = true;
  auto features = validateVolForQemuImg(vol);
  ASSERT_FALSE(features.has_value());
  EXPECT_EQ(features.error().message, "format features only available with qcow2");
  vol.target.format = "qcow2";
  EXPECT_TRUE(validateVolForQemuImg(vol).has_value());
  vol.target.encryption = StorageEncryption{};
  vol.target.encryption->format = "qcow";
  auto enc = validateVolForQemuImg(vol);
  ASSERT_FALSE(enc.has_value());
  EXPECT_EQ(enc.error().message, "creation of qcow2 encrypted image is not supported");
  vol.target.encryption->format = "luks";
  EXPECT_TRUE(validateVolForQemuImg(vol).has_value());
}

}  // namespace
}  // namespace virtus::model
