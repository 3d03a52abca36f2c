// Padding after a string or opaque must be zero (RFC 4506): a decoder that accepted other
// bytes could not re-encode what it read (found by tests/fuzz/rpc_decoder_fuzz.cpp).
#include <gtest/gtest.h>

#include <string>

#include "rpc/xdr.h"
#include "rpc/xdr_codec.h"

namespace virtus::rpc {
namespace {

TEST(XdrPadding, ZeroPaddingDecodesAndRoundTrips) {
  std::string wire(
      "\0\0\0\x03"
      "abc\0",
      8);
  std::string value;
  ASSERT_TRUE(xdrDecodeAll(wire, value));
  EXPECT_EQ(value, "abc");
  EXPECT_EQ(xdrEncodeToString(value), wire);
}

TEST(XdrPadding, NonZeroPaddingIsRejected) {
  std::string wire(
      "\0\0\0\x03"
      "abc\x01",
      8);
  std::string value;
  const char* why = nullptr;
  EXPECT_FALSE(xdrDecodeAll(wire, value, &why));
  ASSERT_NE(why, nullptr);
  EXPECT_STREQ(why, "the padding of a string or opaque is not zero");
}

TEST(XdrPadding, NonZeroPaddingOfOpaqueIsRejected) {
  std::string wire(
      "\0\0\0\x01"
      "x\0\0\x7f",
      8);
  XdrOpaque<16> value;
  EXPECT_FALSE(xdrDecodeAll(wire, value));
}

}  // namespace
}  // namespace virtus::rpc
