#include "cli/parse_errors.h"

#include <gtest/gtest.h>

namespace virtus::cli {
namespace {

// Expected texts are virsh 9.0's (`virsh -c test:///default CMD`).
TEST(ParseErrors, MissingRequiredOption) {
  EXPECT_EQ(virshParseErrorMessage("RequiredError", "--vol is required", "vol-info"),
            "command 'vol-info' requires <vol> option");
}

TEST(ParseErrors, UnknownOption) {
  EXPECT_EQ(virshParseErrorMessage("ExtrasError",
                                   "The following argument was not expected: --bogus", "pool-list"),
            "command 'pool-list' doesn't support option --bogus");
  EXPECT_EQ(
      virshParseErrorMessage("ExtrasError",
                             "The following arguments were not expected: --bogus=3 x", "pool-info"),
      "command 'pool-info' doesn't support option --bogus");
}

TEST(ParseErrors, StrayPositionalArgument) {
  EXPECT_EQ(virshParseErrorMessage("ExtrasError", "The following argument was not expected: c",
                                   "vol-info"),
            "unexpected data 'c'");
}

TEST(ParseErrors, OptionWithoutValue) {
  EXPECT_EQ(
      virshParseErrorMessage("ArgumentMismatch", "--pool: 1 required TEXT missing", "vol-info"),
      "expected syntax: --pool <string>");
}

TEST(ParseErrors, OptionGivenTwice) {
  EXPECT_EQ(virshParseErrorMessage("ArgumentMismatch", "pool: At Most 1 required but received 2",
                                   "vol-list"),
            "option --pool already seen");
}

TEST(ParseErrors, OtherKindsKeepTheirMessage) {
  EXPECT_EQ(virshParseErrorMessage("ConversionError", "Could not convert: x", "vol-info"),
            "Could not convert: x");
}

}  // namespace
}  // namespace virtus::cli
