#include "cli/output_table.h"

#include <gtest/gtest.h>

#include "cli/pool_list.h"

namespace virtus::cli {
namespace {

// Expected texts are virsh 9.0's output for the same data (virsh -c test:///default).
TEST(OutputTable, MatchesVirshVolListLayout) {
  OutputTable table({"Name", "Path", "Type", "Capacity", "Allocation"});
  table.addRow({"v1", "/default-pool/v1", "file", "10.00 MiB", "10.00 MiB"});
  table.addRow({"v2", "/default-pool/v2", "file", "1.00 GiB", "0.00 B"});
  EXPECT_EQ(table.render(),
            " Name   Path               Type   Capacity    Allocation\n"
            "----------------------------------------------------------\n"
            " v1     /default-pool/v1   file   10.00 MiB   10.00 MiB\n"
            " v2     /default-pool/v2   file   1.00 GiB    0.00 B\n");
}

TEST(OutputTable, EmptyTableIsHeaderAndRule) {
  OutputTable table({"Name", "Path"});
  EXPECT_EQ(table.render(), " Name   Path\n--------------\n");
  EXPECT_EQ(table.render(false), "");
}

TEST(OutputTable, QuietDropsHeader) {
  OutputTable table({"Name", "State", "Autostart"});
  table.addRow({"default-pool", "active", "no"});
  EXPECT_EQ(table.render(false), " default-pool   active   no\n");
}

// virsh 9.0 `-q pool-list --details`: columns as wide as the data, not the dropped header.
TEST(OutputTable, QuietColumnsIgnoreHeaderWidth) {
  OutputTable table({"Name", "State", "Autostart", "Persistent", "Capacity"});
  table.addRow({"default-pool", "running", "no", "yes", "100.00 GiB"});
  EXPECT_EQ(table.render(false), " default-pool   running   no   yes   100.00 GiB\n");
}

TEST(OutputTable, WidthCountsCodePoints) {
  EXPECT_EQ(displayWidth("d\xc3\xa9j\xc3\xa0"), 4u);
  OutputTable table({"N", "X"});
  table.addRow({"\xc3\xa9\xc3\xa9", "y"});
  EXPECT_EQ(table.render(false), " \xc3\xa9\xc3\xa9   y\n");
}

PoolSummary pool(std::string name, bool active, driver::PoolState state, bool persistent) {
  PoolSummary p;
  p.name = std::move(name);
  p.active = active;
  p.persistent = persistent;
  p.info.state = state;
  if (active) {
    p.info.capacity = 107374182400ULL;
    p.info.available = 107374182400ULL;
  }
  return p;
}

TEST(PoolList, TableAndDetailsMatchVirsh) {
  std::vector<PoolSummary> pools = {pool("default-pool", true, driver::PoolState::Running, true),
                                    pool("foo", false, driver::PoolState::Inactive, true)};
  PoolListOptions o;
  EXPECT_EQ(renderPoolList(pools, o, false),
            " Name           State      Autostart\n"
            "--------------------------------------\n"
            " default-pool   active     no\n"
            " foo            inactive   no\n");
  o.details = true;
  EXPECT_EQ(renderPoolList(pools, o, false),
            " Name           State      Autostart   Persistent   Capacity     Allocation   "
            "Available\n"
            "----------------------------------------------------------------------------------"
            "--------\n"
            " default-pool   running    no          yes          100.00 GiB   0.00 B       "
            "100.00 GiB\n"
            " foo            inactive   no          yes          -            -            -\n");
}

TEST(PoolList, NameAndUuidLines) {
  auto p = pool("default-pool", true, driver::PoolState::Running, true);
  p.uuid = *Uuid::parse("dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566");
  PoolListOptions o;
  o.name = true;
  EXPECT_EQ(renderPoolList({p}, o, false), "default-pool        \n");
  o.uuid = true;
  EXPECT_EQ(renderPoolList({p}, o, false),
            "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566 default-pool        \n");
  o.name = false;
  EXPECT_EQ(renderPoolList({p}, o, false), "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566\n");
}

TEST(PoolList, Flags) {
  PoolListOptions o;
  EXPECT_EQ(*poolListFlags(o), driver::list_pools::kActive);
  o.all = true;
  o.types = "dir,iscsi-direct";
  EXPECT_EQ(*poolListFlags(o), driver::list_pools::kActive | driver::list_pools::kInactive |
                                   driver::list_pools::kDir | driver::list_pools::kIscsiDirect);
  o.types = "dir,foo";
  auto bad = poolListFlags(o);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Invalid pool type 'foo'");
  PoolListOptions inactive;
  inactive.inactive = true;
  inactive.transient = true;
  EXPECT_EQ(*poolListFlags(inactive),
            driver::list_pools::kInactive | driver::list_pools::kTransient);
}

TEST(PoolList, JsonIsAnArrayWithNullSizesWhenInactive) {
  auto j =
      nlohmann::json::parse(renderPoolList({pool("a", true, driver::PoolState::Running, true),
                                            pool("b", false, driver::PoolState::Inactive, false)},
                                           PoolListOptions{.json = true}, false));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["state"], "running");
  EXPECT_EQ(j[0]["capacity"], 107374182400ULL);
  EXPECT_TRUE(j[1]["capacity"].is_null());
  EXPECT_EQ(j[1]["persistent"], false);
}

}  // namespace
}  // namespace virtus::cli
