// Native qcow2 creation: option validation, byte-for-byte agreement with qemu-img where the
// layout is the same, and a matrix of options checked by the real `qemu-img check/info/map`.
#include "storage/formats/qcow2_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/formats/format_test_support.h"

namespace virtus::formats {
namespace {

using testing::runShell;
using testing::shellQuote;

Qcow2Options opts(std::uint64_t size) {
  Qcow2Options o;
  o.virtualSize = size;
  return o;
}

void expectRejected(const Qcow2Options& o, ErrorCode code, std::string_view fragment) {
  auto r = validateQcow2Options(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_EQ(r.error().domain, ErrorDomain::Storage);
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
  EXPECT_FALSE(layoutQcow2(o));
}

TEST(Qcow2OptionsTest, ClusterSizeMustBeAPowerOfTwoInRange) {
  for (std::uint32_t bad : {0u, 256u, 1000u, 4096u * 3, 4u << 20}) {
    Qcow2Options o = opts(1 << 20);
    o.clusterSize = bad;
    expectRejected(o, ErrorCode::InvalidArg, "'" + std::to_string(bad) + "'");
  }
  for (std::uint32_t good : {512u, 4096u, 65536u, 2u << 20}) {
    Qcow2Options o = opts(1 << 20);
    o.clusterSize = good;
    EXPECT_TRUE(validateQcow2Options(o));
  }
}

TEST(Qcow2OptionsTest, CompatAndLazyRefcounts) {
  Qcow2Options o = opts(1 << 20);
  o.compat = "1.0";
  expectRejected(o, ErrorCode::ConfigUnsupported, "'1.0'");
  o.compat = "0.10";
  o.lazyRefcounts = true;
  expectRejected(o, ErrorCode::ConfigUnsupported, "lazy refcounts");
  o.compat = "1.1";
  EXPECT_TRUE(validateQcow2Options(o));
}

TEST(Qcow2OptionsTest, SizeRoundsUpToSectorsAndHasALimit) {
  auto r = validateQcow2Options(opts(1000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->virtualSize, 1024u);  // as qemu-img does
  Qcow2Options o = opts(1ull << 40);
  o.clusterSize = 512;  // at most 4 Mi L1 entries of 32 KiB each: 128 GiB
  expectRejected(o, ErrorCode::InvalidArg, "too large");
  o.virtualSize = 128ull << 30;
  EXPECT_TRUE(validateQcow2Options(o));
  o.virtualSize = (128ull << 30) + 512;
  EXPECT_FALSE(validateQcow2Options(o));
  expectRejected(opts(UINT64_MAX), ErrorCode::InvalidArg, "too large");
}

TEST(Qcow2OptionsTest, Backing) {
  Qcow2Options o = opts(1 << 20);
  o.backingFormat = ImageFormat::Raw;
  expectRejected(o, ErrorCode::InvalidArg, "without a backing file");
  o.backingFile = "";
  expectRejected(o, ErrorCode::InvalidArg, "empty");
  o.backingFile = std::string(1024, 'a');
  expectRejected(o, ErrorCode::InvalidArg, "longer than 1023");
  o.backingFile = std::string(600, 'a');
  o.clusterSize = 512;
  expectRejected(o, ErrorCode::InvalidArg, "too long for qcow2 cluster size '512'");
  o.clusterSize = 65536;
  o.backingFormat = ImageFormat::Dir;
  expectRejected(o, ErrorCode::InvalidArg, "'dir'");
  o.backingFormat = ImageFormat::Qcow2;
  o.preallocateMetadata = true;
  expectRejected(o, ErrorCode::ConfigUnsupported, "preallocation");
}

TEST(Qcow2LayoutTest, WritesAreSortedAndDisjoint) {
  Qcow2Options o = opts(10 << 20);
  o.clusterSize = 512;
  o.preallocateMetadata = true;
  auto layout = layoutQcow2(o);
  ASSERT_TRUE(layout) << layout.error().message;
  std::uint64_t end = 0;
  for (const auto& [offset, bytes] : layout->writes) {
    EXPECT_GE(offset, end);
    end = offset + bytes.size();
  }
  EXPECT_LE(end, layout->fileSize);
  // 20480 data clusters: the file ends with them.
  EXPECT_GE(layout->fileSize, 20480u * 512 + 320u * 512);
}

TEST(Qcow2LayoutTest, LargeNonPreallocatedImagesStaySmall) {
  Qcow2Options o = opts(16ull << 40);
  auto layout = layoutQcow2(o);
  ASSERT_TRUE(layout) << layout.error().message;
  std::size_t bytes = 0;
  for (const auto& w : layout->writes)
    bytes += w.second.size();
  // Three whole clusters (header, refcount table and block) and the L1 table, as qemu-img.
  EXPECT_EQ(bytes, 3u * 65536 + 32768u * 8);
  EXPECT_EQ(layout->fileSize, 3u * 65536 + 32768u * 8);  // L1 of 32768 entries after 3 clusters
}

class Qcow2QemuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::haveQemuImg())
      GTEST_SKIP() << "qemu-img is not installed";
    ASSERT_TRUE(dir_.ok());
  }

  std::string writeImage(const std::string& name, const Qcow2Options& o) {
    std::string path = dir_.file(name);
    auto layout = layoutQcow2(o);
    EXPECT_TRUE(layout) << (layout ? "" : layout.error().message);
    if (!layout)
      return path;
    EXPECT_EQ(testing::writeLayout(path, *layout), "");
    return path;
  }

  // qemu-img check is clean, and qemu-img info and probeImage both report the options.
  void expectValid(const std::string& name, const Qcow2Options& o) {
    SCOPED_TRACE(name);
    std::string path = writeImage(name, o);
    auto check = runShell("qemu-img check " + shellQuote(path));
    EXPECT_EQ(check.exitCode, 0) << check.output;

    auto out = runShell("qemu-img info --output=json " + shellQuote(path));
    ASSERT_EQ(out.exitCode, 0) << out.output;
    auto q = nlohmann::json::parse(out.output);
    const std::uint64_t expectedSize = (o.virtualSize + 511) / 512 * 512;
    EXPECT_EQ(q.at("format"), "qcow2");
    EXPECT_EQ(q.at("virtual-size").get<std::uint64_t>(), expectedSize);
    EXPECT_EQ(q.at("cluster-size").get<std::uint32_t>(), o.clusterSize);
    const auto& d = q.at("format-specific").at("data");
    EXPECT_EQ(d.at("compat"), o.compat);
    EXPECT_EQ(d.value("lazy-refcounts", false), o.lazyRefcounts);
    EXPECT_EQ(d.value("refcount-bits", 0), 16);
    if (o.compat == "1.1") {
      EXPECT_FALSE(d.at("corrupt").get<bool>());
    }
    if (o.backingFile) {
      EXPECT_EQ(q.value("backing-filename", ""), *o.backingFile);
    } else {
      EXPECT_FALSE(q.contains("backing-filename"));
    }
    if (o.backingFormat) {
      EXPECT_EQ(q.value("backing-filename-format", ""), imageFormatName(*o.backingFormat));
    } else {
      EXPECT_FALSE(q.contains("backing-filename-format"));
    }

    auto p = testing::probeFile(path);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->format, ImageFormat::Qcow2);
    EXPECT_EQ(p->virtualSize, expectedSize);
    EXPECT_EQ(p->clusterSize, o.clusterSize);
    EXPECT_EQ(p->compat, o.compat);
    EXPECT_EQ(p->lazyRefcounts, o.lazyRefcounts);
    EXPECT_EQ(p->backingPath, o.backingFile);
    EXPECT_EQ(p->backingFormat, o.backingFormat);

    if (o.preallocateMetadata && expectedSize > 0) {
      // Every guest byte is mapped to the file, in one contiguous run of data clusters.
      auto map = runShell("qemu-img map --output=json " + shellQuote(path));
      ASSERT_EQ(map.exitCode, 0) << map.output;
      auto extents = nlohmann::json::parse(map.output);
      std::uint64_t covered = 0;
      for (const auto& e : extents) {
        EXPECT_TRUE(e.at("data").get<bool>()) << e.dump();
        EXPECT_TRUE(e.contains("offset")) << e.dump();
        covered += e.at("length").get<std::uint64_t>();
      }
      EXPECT_EQ(covered, expectedSize);
      auto checked = runShell("qemu-img check --output=json " + shellQuote(path));
      auto c = nlohmann::json::parse(checked.output);
      const std::uint64_t clusters = (expectedSize + o.clusterSize - 1) / o.clusterSize;
      EXPECT_EQ(c.at("allocated-clusters").get<std::uint64_t>(), clusters);
      std::uint64_t fileSize = std::filesystem::file_size(path);
      EXPECT_GE(fileSize, clusters * o.clusterSize);
    }
  }

  testing::TempDir dir_;
};

TEST_F(Qcow2QemuTest, MatchesQemuImgByteForByte) {
  struct Case {
    std::string qemuArgs;
    Qcow2Options options;
  };
  std::vector<Case> cases;
  cases.push_back({"", opts(1ull << 30)});
  cases.push_back({"", opts(0)});
  {
    Qcow2Options o = opts(1ull << 30);
    o.compat = "0.10";
    cases.push_back({"-o compat=0.10", o});
  }
  {
    Qcow2Options o = opts(3ull << 30);
    o.lazyRefcounts = true;
    o.clusterSize = 4096;
    cases.push_back({"-o lazy_refcounts=on,cluster_size=4096", o});
  }
  {
    Qcow2Options o = opts(8ull << 20);
    o.backingFile = "base.raw";
    o.backingFormat = ImageFormat::Raw;
    cases.push_back({"-b base.raw -F raw", o});
    o.clusterSize = 512;  // no feature name table with small clusters
    cases.push_back({"-o cluster_size=512 -b base.raw -F raw", o});
    o.compat = "0.10";
    cases.push_back({"-o cluster_size=512,compat=0.10 -b base.raw -F raw", o});
  }
  {
    Qcow2Options o = opts(100 << 10);
    o.clusterSize = 4096;
    o.preallocateMetadata = true;
    cases.push_back({"-o cluster_size=4096,preallocation=metadata", o});
  }
  runShell("cd " + shellQuote(dir_.file("")) + " && qemu-img create -f raw base.raw 8M");
  int i = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.qemuArgs);
    std::string theirs = dir_.file("q" + std::to_string(i) + ".qcow2");
    auto out =
        runShell("cd " + shellQuote(dir_.file("")) + " && qemu-img create -f qcow2 " + c.qemuArgs +
                 " " + shellQuote(theirs) + " " + std::to_string(c.options.virtualSize));
    ASSERT_EQ(out.exitCode, 0) << out.output;
    std::string ours = writeImage("v" + std::to_string(i) + ".qcow2", c.options);
    std::string a = testing::readWholeFile(theirs), b = testing::readWholeFile(ours);
    EXPECT_EQ(a.size(), b.size());
    EXPECT_TRUE(a == b) << "the images differ";
    EXPECT_EQ(testing::allocatedBytes(ours), testing::allocatedBytes(theirs));
    ++i;
  }
}

// The file allocates what qemu-img's does (libvirt's vol-create-as of a 16 MiB qcow2: physical
// 196616, allocation 200704; with metadata preallocation: allocation 266240): qemu-img writes
// whole metadata clusters, zeros included.
TEST_F(Qcow2QemuTest, AllocatesWhatQemuImgAllocates) {
  struct Case {
    std::uint32_t cluster;
    std::uint64_t size;
    bool prealloc;
  };
  const std::vector<Case> cases = {
      {65536, 16ull << 20, false},
      {65536, 16ull << 20, true},
      {65536, 0, false},
      {65536, 1ull << 30, false},
      {65536, 1ull << 30, true},
      {65536, 16ull << 40, false},
      {4096, 100ull << 20, false},
      {4096, 2ull << 20, true},
      {512, 10ull << 20, false},
      {512, 32ull << 10, true},
      {2u << 20, 1ull << 30, false},
      {2u << 20, 1ull << 30, true},
      {131072, 5ull << 20, true},
      {65536, 1000, true},
      // Many L2 tables, and refcount blocks placed between them as qemu places them.
      {4096, 100ull << 20, true},
      {65536, 2ull << 30, true},
      {512, 1ull << 20, true},
      {4096, 1000000, true},
  };
  int i = 0;
  for (const Case& k : cases) {
    for (const char* compat : {"0.10", "1.1"}) {
      SCOPED_TRACE(std::to_string(k.cluster) + " " + std::to_string(k.size) + " " + compat +
                   (k.prealloc ? " prealloc" : ""));
      std::string theirs = dir_.file("a" + std::to_string(i) + ".qcow2");
      auto out =
          runShell("qemu-img create -q -f qcow2 -o cluster_size=" + std::to_string(k.cluster) +
                   ",compat=" + compat + (k.prealloc ? ",preallocation=metadata " : " ") +
                   shellQuote(theirs) + " " + std::to_string(k.size));
      ASSERT_EQ(out.exitCode, 0) << out.output;
      Qcow2Options o = opts(k.size);
      o.clusterSize = k.cluster;
      o.compat = compat;
      o.preallocateMetadata = k.prealloc;
      std::string ours = writeImage("b" + std::to_string(i) + ".qcow2", o);
      ++i;
      EXPECT_EQ(std::filesystem::file_size(ours), std::filesystem::file_size(theirs));
      EXPECT_EQ(testing::allocatedBytes(ours), testing::allocatedBytes(theirs));
      auto check = runShell("qemu-img check " + shellQuote(ours));
      EXPECT_EQ(check.exitCode, 0) << check.output;
    }
  }
}

TEST_F(Qcow2QemuTest, OptionMatrixIsCleanAndReportedExactly) {
  runShell("cd " + shellQuote(dir_.file("")) + " && qemu-img create -f raw base.raw 1M && " +
           "mkdir sub && qemu-img create -f qcow2 sub/base.qcow2 1M");
  int n = 0;
  for (std::uint32_t cluster : {512u, 4096u, 65536u, 2u << 20}) {
    for (const char* compat : {"0.10", "1.1"}) {
      for (std::uint64_t size :
           {std::uint64_t{0}, std::uint64_t{1000}, std::uint64_t{1} << 30, std::uint64_t{100} << 30,
            std::uint64_t{1} << 40, std::uint64_t{16} << 40}) {
        Qcow2Options o = opts(size);
        o.clusterSize = cluster;
        o.compat = compat;
        if (!validateQcow2Options(o)) {
          // Only the small clusters cannot address the largest sizes.
          EXPECT_LT(cluster, 65536u) << size;
          continue;
        }
        if (cluster == 512 && size > (8ull << 30))
          continue;  // L1 of megabytes: slow check
        o.lazyRefcounts = std::string(compat) == "1.1" && n % 2 == 0;
        if (n % 3 == 1) {
          o.backingFile = "base.raw";
          o.backingFormat = ImageFormat::Raw;
        } else if (n % 3 == 2) {
          o.backingFile = "sub/base.qcow2";  // no format recorded: qemu probes it
        }
        expectValid("m" + std::to_string(n++) + ".qcow2", o);
      }
    }
  }
  EXPECT_GT(n, 20);
}

TEST_F(Qcow2QemuTest, PreallocatedMetadata) {
  struct P {
    std::uint32_t cluster;
    std::uint64_t size;
    const char* compat;
  };
  // Many L2 tables, many refcount blocks and a refcount table over several clusters (512);
  // a partial last cluster; and an ordinary 64 KiB image.
  for (P p : {P{512, 10ull << 20, "1.1"}, P{512, 3ull << 20, "0.10"}, P{4096, 1000000, "1.1"},
              P{65536, 1ull << 30, "1.1"}, P{2u << 20, 5ull << 20, "0.10"}}) {
    Qcow2Options o = opts(p.size);
    o.clusterSize = p.cluster;
    o.compat = p.compat;
    o.preallocateMetadata = true;
    expectValid("p" + std::to_string(p.cluster) + "-" + std::to_string(p.size) + ".qcow2", o);
  }
}

}  // namespace
}  // namespace virtus::formats
