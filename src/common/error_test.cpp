// Error texts as libvirt renders them: the detail inside virErrorMsg's format for the code.
#include "common/error.h"

#include <gtest/gtest.h>

namespace virtus {
namespace {

std::string textOf(ErrorCode code, std::string detail) {
  return makeError(code, ErrorDomain::Storage, std::move(detail)).text();
}

TEST(ErrorTextTest, PrefixFormats) {
  EXPECT_EQ(textOf(ErrorCode::OperationInvalid, "storage pool 'p1' is not active"),
            "Requested operation is not valid: storage pool 'p1' is not active");
  EXPECT_EQ(textOf(ErrorCode::NoStoragePool, "no storage pool with matching name 'nope'"),
            "Storage pool not found: no storage pool with matching name 'nope'");
  EXPECT_EQ(textOf(ErrorCode::InvalidSecret, "secret is private"),
            "Invalid secret: secret is private");
  // libvirt: virScaleInteger reports "value too large: 9E" under VIR_ERR_OVERFLOW.
  EXPECT_EQ(textOf(ErrorCode::Overflow, "value too large: 9E"),
            "numerical overflow: value too large: 9E");
}

TEST(ErrorTextTest, FormatsThatEmbedTheDetail) {
  // libvirtd 9.0: "storage volume 'raw1.img' exists already" for vol-create-as of an existing
  // name.
  EXPECT_EQ(textOf(ErrorCode::StorageVolExist, "'raw1.img'"),
            "storage volume 'raw1.img' exists already");
  EXPECT_EQ(textOf(ErrorCode::InvalidStoragePool, "virStoragePoolGetInfo"),
            "invalid storage pool pointer in virStoragePoolGetInfo");
  EXPECT_EQ(textOf(ErrorCode::OpenFailed, "/etc/x.conf"),
            "failed to open configuration file /etc/x.conf");
  EXPECT_EQ(textOf(ErrorCode::NoName, "domain"), "missing name information in domain");
  EXPECT_EQ(textOf(ErrorCode::InvalidStream, "virStreamSend"),
            "invalid stream pointer in virStreamSend");
}

TEST(ErrorTextTest, CodesWithoutPrefix) {
  EXPECT_EQ(textOf(ErrorCode::SystemError, "cannot open file 'x': No such file or directory"),
            "cannot open file 'x': No such file or directory");
  EXPECT_EQ(textOf(ErrorCode::Rpc, "unknown procedure: 999"), "unknown procedure: 999");
  EXPECT_EQ(textOf(ErrorCode::XmlDetail, "(pool_definition):3: oops"), "(pool_definition):3: oops");
}

TEST(ErrorTextTest, FormatHasOnePlaceholderForEveryCode) {
  for (int n = 0; n <= 100; ++n) {
    std::string_view format = errorFormat(static_cast<ErrorCode>(n));
    auto first = format.find("%s");
    ASSERT_NE(first, std::string_view::npos) << n;
    EXPECT_EQ(format.find("%s", first + 1), std::string_view::npos) << n;
  }
  EXPECT_EQ(errorFormat(ErrorCode::StorageVolExist), "storage volume %s exists already");
  EXPECT_EQ(errorPrefix(ErrorCode::NoStorageVol), "Storage volume not found: ");
}

TEST(ErrorTextTest, DetailIsRecoveredFromTheText) {
  EXPECT_EQ(errorDetail(ErrorCode::StorageVolExist, "storage volume 'a' exists already"), "'a'");
  EXPECT_EQ(errorDetail(ErrorCode::NoStorageVol, "Storage volume not found: x"), "x");
  EXPECT_EQ(errorDetail(ErrorCode::SystemError, "anything"), "anything");
  EXPECT_EQ(errorDetail(ErrorCode::StorageVolExist, "storage volume 'a'"), std::nullopt);
  EXPECT_EQ(errorDetail(ErrorCode::NoStorageVol, "no prefix"), std::nullopt);
}

}  // namespace
}  // namespace virtus
