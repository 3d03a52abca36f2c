// probeImage against images made by the real qemu-img, checked field by field against
// `qemu-img info --output=json`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/formats/format_test_support.h"
#include "storage/formats/image_probe.h"

namespace virtus::formats {
namespace {

using testing::runShell;
using testing::shellQuote;

class ProbeQemuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::haveQemuImg())
      GTEST_SKIP() << "qemu-img is not installed";
    ASSERT_TRUE(dir_.ok());
  }

  // Runs `qemu-img create ARGS FILE SIZE` and returns the image's path. qemu-img calibrates
  // LUKS key derivation by the thread's CPU time and gives up ("Unable to get accurate CPU
  // usage") when this VM reports none for its sample: a fault of the reference tool, not
  // of what is tested, so that one failure is tried again, a bounded number of times.
  std::string create(const std::string& name, const std::string& args, const std::string& size) {
    std::string path = dir_.file(name);
    const std::string command = "cd " + shellQuote(dir_.file("")) + " && qemu-img create " + args +
                                " " + shellQuote(path) + " " + size;
    auto out = runShell(command);
    for (int attempt = 1; attempt < 5 && out.exitCode != 0 &&
                          out.output.find("Unable to get accurate CPU usage") != std::string::npos;
         ++attempt) {
      out = runShell(command);
    }
    EXPECT_EQ(out.exitCode, 0) << out.output;
    return path;
  }

  nlohmann::json info(const std::string& path, const std::string& extra = "") {
    auto out = runShell("qemu-img info --output=json " + extra + " " + shellQuote(path));
    EXPECT_EQ(out.exitCode, 0) << out.output;
    return nlohmann::json::parse(out.output, nullptr, false);
  }

  // Compares every field that qemu-img reports and probeImage knows.
  void expectAgrees(const std::string& path, const std::string& extraInfoArgs = "") {
    SCOPED_TRACE(path);
    nlohmann::json q = info(path, extraInfoArgs);
    ASSERT_FALSE(q.is_discarded());
    auto probed = testing::probeFile(path);
    ASSERT_TRUE(probed) << probed.error().message;
    const ImageInfo& p = *probed;
    EXPECT_EQ(imageFormatName(p.format), q.at("format").get<std::string>());
    EXPECT_EQ(p.virtualSize, q.at("virtual-size").get<std::uint64_t>());
    if (q.contains("cluster-size") && p.format != ImageFormat::Vmdk) {
      EXPECT_EQ(p.clusterSize, q.at("cluster-size").get<std::uint32_t>());
    }
    if (q.contains("backing-filename")) {
      ASSERT_TRUE(p.backingPath.has_value());
      EXPECT_EQ(*p.backingPath, q.at("backing-filename").get<std::string>());
    } else {
      EXPECT_FALSE(p.backingPath.has_value());
    }
    if (q.contains("backing-filename-format") && p.format != ImageFormat::Vmdk &&
        p.format != ImageFormat::Qed) {
      ASSERT_TRUE(p.backingFormat.has_value());
      EXPECT_EQ(imageFormatName(*p.backingFormat),
                q.at("backing-filename-format").get<std::string>());
    }
    const bool encrypted = q.value("encrypted", false);
    EXPECT_EQ(p.encrypted, encrypted);
    if (q.contains("format-specific") && q["format-specific"].value("type", "") == "qcow2") {
      const auto& d = q["format-specific"]["data"];
      EXPECT_EQ(p.compat, d.at("compat").get<std::string>());
      EXPECT_EQ(p.lazyRefcounts, d.value("lazy-refcounts", false));
      if (d.contains("encrypt")) {
        EXPECT_EQ(p.encryptionFormat, d["encrypt"].at("format").get<std::string>());
      }
    }
  }

  testing::TempDir dir_;
};

TEST_F(ProbeQemuTest, Raw) {
  expectAgrees(create("a.raw", "-f raw", "1M"));
  expectAgrees(create("b.raw", "-f raw", "0"));
  expectAgrees(create("c.raw", "-f raw", "100"));
}

TEST_F(ProbeQemuTest, Qcow2Variants) {
  create("base.raw", "-f raw", "8M");
  expectAgrees(create("a.qcow2", "-f qcow2", "1G"));
  expectAgrees(create("b.qcow2", "-f qcow2 -o compat=0.10", "1G"));
  expectAgrees(create("c.qcow2", "-f qcow2 -o lazy_refcounts=on,cluster_size=4096", "3G"));
  expectAgrees(create("d.qcow2", "-f qcow2 -o cluster_size=2M", "16T"));
  expectAgrees(create("e.qcow2", "-f qcow2 -b base.raw -F raw", "8M"));
  expectAgrees(
      create("f.qcow2", "-f qcow2 -o compat=0.10,cluster_size=512 -b base.raw -F raw", "8M"));
  expectAgrees(create("g.qcow2", "-f qcow2 -b e.qcow2 -F qcow2", "8M"));
  expectAgrees(create("h.qcow2", "-f qcow2 -o preallocation=metadata", "5M"));
  expectAgrees(create("i.qcow2", "-f qcow2", "0"));
}

TEST_F(ProbeQemuTest, Qcow2BackingNameBeyondFirstRead) {
  // A long relative name in a 2 MiB cluster: still within the first read, and the probe
  // returns it verbatim.
  std::string longName(200, 'x');
  create(longName, "-f raw", "1M");
  expectAgrees(create("a.qcow2", "-f qcow2 -b " + longName + " -F raw", "1M"));
}

TEST_F(ProbeQemuTest, Qcow2Encrypted) {
  const std::string secret = "--object secret,id=s,data=abc";
  expectAgrees(
      create("a.qcow2",
             secret + " -f qcow2 -o encrypt.format=luks,encrypt.key-secret=s,encrypt.iter-time=10",
             "16M"));
}

TEST_F(ProbeQemuTest, Qcow1) {
  auto formats = runShell("qemu-img --help");
  if (formats.output.find(" qcow ") == std::string::npos)
    GTEST_SKIP() << "no qcow support";
  create("base.raw", "-f raw", "4M");
  expectAgrees(create("a.qcow", "-f qcow", "4M"));
  expectAgrees(create("b.qcow", "-f qcow -b base.raw -F raw", "4M"));
}

TEST_F(ProbeQemuTest, Qed) {
  create("base.raw", "-f raw", "4M");
  expectAgrees(create("a.qed", "-f qed", "1G"));
  expectAgrees(create("b.qed", "-f qed -o cluster_size=131072", "1G"));
  std::string path = create("c.qed", "-f qed -b base.raw -F raw", "4M");
  expectAgrees(path);
  auto p = testing::probeFile(path);
  ASSERT_TRUE(p);
  // qemu records "raw" with the no-probe feature bit.
  ASSERT_TRUE(p->backingFormat.has_value());
  EXPECT_EQ(*p->backingFormat, ImageFormat::Raw);
}

TEST_F(ProbeQemuTest, Vmdk) {
  expectAgrees(create("a.vmdk", "-f vmdk", "1G"));
  expectAgrees(create("b.vmdk", "-f vmdk -o subformat=streamOptimized", "64M"));
  std::string flat = create("c.vmdk", "-f vmdk -o subformat=monolithicFlat", "10M");
  expectAgrees(flat);
  auto p = testing::probeFile(flat);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->format, ImageFormat::Vmdk);
  std::string split = create("d.vmdk", "-f vmdk -o subformat=twoGbMaxExtentSparse", "5G");
  expectAgrees(split);
  std::string backed = create("e.vmdk", "-f vmdk -b a.vmdk -F vmdk", "1G");
  expectAgrees(backed);
}

TEST_F(ProbeQemuTest, VpcVdiVhdx) {
  expectAgrees(create("a.vpc", "-f vpc", "100M"));
  expectAgrees(create("b.vpc", "-f vpc -o force_size=on", "100M"));
  expectAgrees(create("c.vdi", "-f vdi", "1G"));
  expectAgrees(create("d.vhdx", "-f vhdx", "1G"));
  expectAgrees(create("e.vhdx", "-f vhdx -o block_size=8M", "3G"));
}

TEST_F(ProbeQemuTest, Luks) {
  std::string path =
      create("a.luks", "--object secret,id=s,data=abc -f luks -o key-secret=s,iter-time=10", "16M");
  auto p = testing::probeFile(path);
  ASSERT_TRUE(p) << p.error().message;
  nlohmann::json q = info(path);
  EXPECT_EQ(q.at("format").get<std::string>(), "luks");
  EXPECT_EQ(p->format, ImageFormat::Luks);
  EXPECT_EQ(p->virtualSize, q.at("virtual-size").get<std::uint64_t>());
  EXPECT_TRUE(p->encrypted);
  EXPECT_EQ(p->encryptionFormat, "luks");
  EXPECT_EQ(libvirtProbedFormat(p->format), ImageFormat::Raw);
}

}  // namespace
}  // namespace virtus::formats
