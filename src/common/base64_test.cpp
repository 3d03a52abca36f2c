#include "common/base64.h"

#include <gtest/gtest.h>

namespace virtus {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  EXPECT_EQ(encodeBase64(""), "");
  EXPECT_EQ(encodeBase64("f"), "Zg==");
  EXPECT_EQ(encodeBase64("fo"), "Zm8=");
  EXPECT_EQ(encodeBase64("foo"), "Zm9v");
  EXPECT_EQ(encodeBase64("foob"), "Zm9vYg==");
  EXPECT_EQ(encodeBase64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(encodeBase64("foobar"), "Zm9vYmFy");
  // The file libvirtd 9.0 wrote for the value "eph".
  EXPECT_EQ(encodeBase64("eph"), "ZXBo");
}

TEST(Base64Test, RoundTripsBinary) {
  std::string bytes;
  for (int i = 0; i < 256; ++i)
    bytes += static_cast<char>(i);
  for (std::size_t n = 0; n <= bytes.size(); n += 37) {
    auto sub = bytes.substr(0, n);
    EXPECT_EQ(decodeBase64(encodeBase64(sub)), sub) << n;
  }
}

TEST(Base64Test, RejectsMalformed) {
  EXPECT_FALSE(decodeBase64("Zg="));
  EXPECT_FALSE(decodeBase64("Zg"));
  EXPECT_FALSE(decodeBase64("Z===")) << "one digit cannot carry a byte";
  EXPECT_FALSE(decodeBase64("Zg==Zg=="));
  EXPECT_FALSE(decodeBase64("Zm9v\n"));
  EXPECT_FALSE(decodeBase64("Zm9*"));
  EXPECT_EQ(decodeBase64("Zm9vYmE="), "fooba");
}

}  // namespace
}  // namespace virtus
