#include "common/units.h"

#include <gtest/gtest.h>

#include "common/uuid.h"

namespace virtus {
namespace {

TEST(ScaleInteger, BinaryAndDecimalSuffixes) {
  EXPECT_EQ(*scaleInteger(5, "G"), 5ull << 30);
  EXPECT_EQ(*scaleInteger(5, "GiB"), 5ull << 30);
  EXPECT_EQ(*scaleInteger(5, "GB"), 5000000000ull);
  EXPECT_EQ(*scaleInteger(7, "bytes"), 7u);
  EXPECT_EQ(*scaleInteger(7, "b"), 7u);
  EXPECT_EQ(*scaleInteger(3, "KiB"), 3072u);
  EXPECT_EQ(*scaleInteger(3, ""), 3u);
  EXPECT_EQ(*scaleInteger(3, "", 1024), 3072u);
  // libvirt matches the "B" / "iB" endings without regard to case.
  EXPECT_EQ(*scaleInteger(2, "kb"), 2000u);
  EXPECT_EQ(*scaleInteger(2, "MIB"), 2ull << 20);
  EXPECT_EQ(*scaleInteger(2, "gB"), 2000000000ull);
  EXPECT_FALSE(scaleInteger(2, "kx"));
  EXPECT_FALSE(scaleInteger(2, "kiBB"));
}

TEST(ScaleInteger, RejectsUnknownSuffixAndOverflow) {
  auto bad = scaleInteger(1, "Q");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArg);
  EXPECT_NE(bad.error().message.find("'Q'"), std::string::npos);
  auto big = scaleInteger(20, "E");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::Overflow);
}

TEST(ParseSizeArgument, NumberWithOptionalSuffix) {
  EXPECT_EQ(*parseSizeArgument("10M"), 10ull << 20);
  EXPECT_EQ(*parseSizeArgument("4096"), 4096u);
  EXPECT_FALSE(parseSizeArgument("ten"));
  EXPECT_FALSE(parseSizeArgument("10X"));
}

TEST(PrettyCapacity, MatchesVirsh) {
  EXPECT_EQ(prettyCapacity(0), "0.00 B");
  EXPECT_EQ(prettyCapacity(1023), "1023.00 B");
  EXPECT_EQ(prettyCapacity(1024), "1.00 KiB");
  EXPECT_EQ(prettyCapacity(107374182400ull), "100.00 GiB");
  EXPECT_EQ(prettyCapacity(1536ull << 20), "1.50 GiB");
}

TEST(Uuid, ParsesAndFormats) {
  auto u = Uuid::parse("47c1faee-0207-e741-f5ae-d9b019b98fe2");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->str(), "47c1faee-0207-e741-f5ae-d9b019b98fe2");
  auto v = Uuid::parse("47c1faee0207e741f5aed9b019b98fe2");
  ASSERT_TRUE(v);
  EXPECT_EQ(*u, *v);
  EXPECT_FALSE(Uuid::parse("47c1faee-0207-e741-f5ae-d9b019b98fe"));
  EXPECT_FALSE(Uuid::parse("zzc1faee-0207-e741-f5ae-d9b019b98fe2"));
  EXPECT_FALSE(Uuid::parse("47c1faee-0207-e741-f5ae-d9b019b98fe2aa"));
  auto g = Uuid::generate();
  EXPECT_FALSE(g.isNull());
  EXPECT_NE(g, Uuid::generate());
  EXPECT_EQ(Uuid::parse(g.str()), g);
}

Result<int> half(int v) {
  if (v % 2)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None, "odd");
  return v / 2;
}
Result<int> quarter(int v) {
  TRY_ASSIGN(int h, half(v));
  TRY_ASSIGN(h, half(h));
  return h;
}

TEST(Result, TryPropagatesErrors) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(r.error().text(), "invalid argument: odd");
}

}  // namespace
}  // namespace virtus
