#include "common/check_flags.h"

#include <gtest/gtest.h>

namespace virtus {
namespace {

TEST(CheckFlags, KnownFlagsPass) {
  EXPECT_TRUE(checkFlags(0, 0, "f", ErrorDomain::Storage));
  EXPECT_TRUE(checkFlags(0x5, 0x7, "f", ErrorDomain::Storage));
}

TEST(CheckFlags, UnknownFlagsAreNamedAsLibvirtNamesThem) {
  auto r = checkFlags(0x15, 0x5, "qemuDomainDestroyFlags", ErrorDomain::Qemu);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(r.error().domain, ErrorDomain::Qemu);
  EXPECT_EQ(r.error().text(),
            "invalid argument: unsupported flags (0x10) in function qemuDomainDestroyFlags");
}

}  // namespace
}  // namespace virtus
