#include "hypervisor/qemu/qemu_conf.h"

#include <gtest/gtest.h>

namespace virtus::qemu {
namespace {

TEST(QemuConf, NopIsTheDefaultLockManager) {
  auto conf = parseQemuConf("# nothing set\n", "qemu.conf");
  ASSERT_TRUE(conf) << conf.error().message;
  EXPECT_EQ(conf->lockManager, "nop");
}

TEST(QemuConf, ReadsTheLockManagerAndIgnoresLibvirtKeysVirtusLacks) {
  auto conf = parseQemuConf(
      "vnc_listen = \"0.0.0.0\"\n"
      "security_driver = [ \"selinux\", \"dac\" ]\n"
      "lock_manager = \"lockd\"\n"
      "max_processes = 0\n",
      "qemu.conf");
  ASSERT_TRUE(conf) << conf.error().message;
  EXPECT_EQ(conf->lockManager, "lockd");
}

TEST(QemuConf, ALockManagerThatIsNotAStringIsASyntaxError) {
  auto conf = parseQemuConf("lock_manager = 1\n", "/etc/virtus/qemu.conf");
  ASSERT_FALSE(conf);
  EXPECT_EQ(conf.error().code, ErrorCode::ConfSyntax);
  EXPECT_EQ(conf.error().message,
            "/etc/virtus/qemu.conf:1: expected a string for 'lock_manager' parameter");
  auto broken = parseQemuConf("lock_manager = \"lockd\n", "qemu.conf");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::ConfSyntax);
}

}  // namespace
}  // namespace virtus::qemu
