// End to end: the in-process connection with the real dir backend on a temporary root.
#include "storage/local_connection.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/pool_manager_test_support.h"

namespace virtus::storage {
namespace {

TEST(LocalConnection, DirPoolLifecycle) {
  testing::TempDir root;
  std::string poolDir = root.path() + "/images";
  std::string xml =
      "<pool type='dir'><name>img</name><target><path>" + poolDir + "</path></target></pool>";
  {
    auto conn = openLocalConnection(os::RootPaths::underRoot(root.path() + "/state"));
    EXPECT_EQ(conn->uri(), "virtus:///embed?root=" + root.path() + "/state");
    auto& s = conn->storage();
    auto pool = s.definePool(xml, 0);
    ASSERT_TRUE(pool) << pool.error().message;
    ASSERT_TRUE(s.buildPool(*pool, 0));
    EXPECT_TRUE(std::filesystem::is_directory(poolDir));
    ASSERT_TRUE(s.startPool(*pool, 0));
    ASSERT_TRUE(s.setPoolAutostart(*pool, true));
    auto vol = s.createVol(*pool,
                           "<volume><name>a.img</name><capacity>1048576</capacity>"
                           "<allocation>0</allocation></volume>",
                           0);
    ASSERT_TRUE(vol) << vol.error().message;
    EXPECT_EQ(std::filesystem::file_size(poolDir + "/a.img"), 1048576u);
    EXPECT_EQ(s.lookupVolByPath(poolDir + "/a.img")->name, "a.img");
    EXPECT_EQ(s.volInfo(*vol, 0)->capacity, 1048576u);
  }
  // A second connection on the same root sees the running pool and its volume.
  auto conn = openLocalConnection(os::RootPaths::underRoot(root.path() + "/state"));
  EXPECT_TRUE(conn->startupProblems().empty());
  auto& s = conn->storage();
  auto pool = s.lookupPoolByName("img");
  ASSERT_TRUE(pool);
  EXPECT_TRUE(*s.poolIsActive(*pool));
  auto vol = s.lookupVolByName(*pool, "a.img");
  ASSERT_TRUE(vol);
  ASSERT_TRUE(s.deleteVol(*vol, 0));
  EXPECT_FALSE(std::filesystem::exists(poolDir + "/a.img"));
  ASSERT_TRUE(s.destroyPool(*pool));
  ASSERT_TRUE(s.deletePool(*pool, 0));
  EXPECT_FALSE(std::filesystem::exists(poolDir));
  ASSERT_TRUE(s.undefinePool(*pool));
  EXPECT_TRUE(s.listAllPools(0)->empty());
}

}  // namespace
}  // namespace virtus::storage
