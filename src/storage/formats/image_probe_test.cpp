// probeImage on hand-built headers: one test per format, libvirt's precedence rules, how
// little is read, and truncated or garbled headers.
#include "storage/formats/image_probe.h"

#include <gtest/gtest.h>

#include <random>

#include "storage/formats/byte_order.h"
#include "storage/formats/format_test_support.h"

namespace virtus::formats {
namespace {

using testing::MemoryFile;

void put(std::string& s, std::size_t at, std::string_view bytes) {
  if (s.size() < at + bytes.size())
    s.resize(at + bytes.size(), '\0');
  s.replace(at, bytes.size(), bytes);
}
void be(std::string& s, std::size_t at, std::uint64_t v, int n) {
  if (s.size() < at + n)
    s.resize(at + n, '\0');
  storeBE(&s[at], v, n);
}
void le(std::string& s, std::size_t at, std::uint64_t v, int n) {
  if (s.size() < at + n)
    s.resize(at + n, '\0');
  for (int i = 0; i < n; ++i)
    s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// A qcow2 v3 header with a backing file "base.img" of format raw and lazy refcounts.
std::string qcow2V3(std::uint32_t version = 3) {
  std::string s(65536, '\0');
  put(s, 0, "QFI\xfb");
  be(s, 4, version, 4);
  be(s, 20, 16, 4);           // 64 KiB clusters
  be(s, 24, 10ull << 30, 8);  // 10 GiB
  be(s, 48, 65536, 8);        // refcount table
  std::size_t ext = 72;
  if (version == 3) {
    be(s, 80, 1, 8);  // lazy refcounts
    be(s, 96, 4, 4);
    be(s, 100, 112, 4);
    ext = 112;
  }
  // An unknown extension first (its padding must be honoured), then the backing format.
  be(s, ext, 0x12345678, 4);
  be(s, ext + 4, 3, 4);
  put(s, ext + 8, "abc");
  ext += 16;
  be(s, ext, 0xE2792ACA, 4);
  be(s, ext + 4, 3, 4);
  put(s, ext + 8, "raw");
  ext += 16;
  ext += 8;  // end marker
  put(s, ext, "base.img");
  be(s, 8, ext, 8);
  be(s, 16, 8, 4);
  return s;
}

TEST(ImageProbeTest, EmptyFileIsRawWithoutReading) {
  MemoryFile f;
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
  EXPECT_EQ(info->virtualSize, 0u);
  EXPECT_EQ(f.reads, 0);
}

TEST(ImageProbeTest, RawSmallFileNeedsOneRead) {
  MemoryFile f{std::string(1000, 'x')};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
  EXPECT_EQ(info->virtualSize, 1000u);
  EXPECT_EQ(f.reads, 1);
}

TEST(ImageProbeTest, Qcow2V3) {
  MemoryFile f{qcow2V3()};
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::Qcow2);
  EXPECT_EQ(info->virtualSize, 10ull << 30);
  EXPECT_EQ(info->clusterSize, 65536u);
  EXPECT_EQ(info->compat, "1.1");
  EXPECT_TRUE(info->lazyRefcounts);
  EXPECT_FALSE(info->encrypted);
  ASSERT_TRUE(info->backingPath);
  EXPECT_EQ(*info->backingPath, "base.img");
  ASSERT_TRUE(info->backingFormat);
  EXPECT_EQ(*info->backingFormat, ImageFormat::Raw);
  EXPECT_EQ(f.reads, 1);
  EXPECT_LE(f.bytesRequested, 4096u);
}

TEST(ImageProbeTest, Qcow2V2IsCompat010) {
  MemoryFile f{qcow2V3(2)};
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::Qcow2);
  EXPECT_EQ(info->compat, "0.10");
  EXPECT_FALSE(info->lazyRefcounts);
  ASSERT_TRUE(info->backingFormat);
  EXPECT_EQ(*info->backingFormat, ImageFormat::Raw);
}

TEST(ImageProbeTest, Qcow2BackingNameFarAwayCostsOneMoreRead) {
  std::string s = qcow2V3();
  put(s, 8000, "far/away.qcow2");
  be(s, 8, 8000, 8);
  be(s, 16, 14, 4);
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(*info->backingPath, "far/away.qcow2");
  EXPECT_EQ(f.reads, 2);  // head, then the name; the extensions were in the head
}

TEST(ImageProbeTest, Qcow2Encryption) {
  for (auto [method, name] : {std::pair{1, "qcow"}, std::pair{2, "luks"}}) {
    std::string s = qcow2V3();
    be(s, 32, method, 4);
    MemoryFile f{s};
    auto info = f.probe();
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->encrypted);
    EXPECT_EQ(info->encryptionFormat, name);
  }
  std::string s = qcow2V3();
  be(s, 32, 7, 4);
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::InternalError);
  EXPECT_NE(info.error().message.find("'7'"), std::string::npos) << info.error().message;
}

TEST(ImageProbeTest, QfiWithUnknownVersionIsRaw) {
  // libvirt: a matching magic with an unknown version does not make a format.
  std::string s = qcow2V3();
  be(s, 4, 4, 4);
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
  EXPECT_EQ(info->virtualSize, s.size());
}

TEST(ImageProbeTest, ShortMagicIsRaw) {
  MemoryFile f{std::string("QFI\xfb\0\0", 6)};  // version cut off: libvirt says raw
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
}

TEST(ImageProbeTest, TruncatedQcow2HeaderIsAnError) {
  MemoryFile f{qcow2V3().substr(0, 60)};
  auto info = f.probe();
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::InternalError);
  EXPECT_EQ(info.error().domain, ErrorDomain::Storage);
  EXPECT_NE(info.error().message.find("qcow2"), std::string::npos);
  EXPECT_NE(info.error().message.find("truncated"), std::string::npos);
}

TEST(ImageProbeTest, Qcow2BadClusterBits) {
  std::string s = qcow2V3();
  be(s, 20, 30, 4);
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("cluster bits '30'"), std::string::npos);
}

TEST(ImageProbeTest, Qcow2BackingBeyondEndOfFile) {
  std::string s = qcow2V3().substr(0, 4096);
  be(s, 8, 100000, 8);
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("beyond the end"), std::string::npos);
}

TEST(ImageProbeTest, Qcow1) {
  std::string s(4096, '\0');
  put(s, 0, "QFI\xfb");
  be(s, 4, 1, 4);
  be(s, 24, 1ull << 30, 8);
  s[32] = 12;  // cluster bits
  s[33] = 9;
  be(s, 36, 1, 4);  // AES
  put(s, 48, "back.raw");
  be(s, 8, 48, 8);
  be(s, 16, 8, 4);
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::Qcow);
  EXPECT_EQ(info->virtualSize, 1ull << 30);
  EXPECT_EQ(info->clusterSize, 4096u);
  EXPECT_TRUE(info->encrypted);
  EXPECT_EQ(info->encryptionFormat, "qcow");
  EXPECT_EQ(*info->backingPath, "back.raw");
  EXPECT_FALSE(info->backingFormat);
  EXPECT_TRUE(info->compat.empty());
}

std::string qedHeader(bool backing, bool noProbe) {
  std::string s(4096, '\0');
  put(s, 0, std::string_view("QED\0", 4));
  le(s, 4, 65536, 4);
  le(s, 8, 4, 4);
  le(s, 12, 1, 4);
  le(s, 16, (backing ? 1 : 0) | (noProbe ? 4 : 0), 8);
  le(s, 48, 5ull << 30, 8);
  if (backing) {
    le(s, 56, 64, 4);
    le(s, 60, 9, 4);
    put(s, 64, "base.qcow");
  }
  return s;
}

TEST(ImageProbeTest, Qed) {
  MemoryFile plain{qedHeader(false, false)};
  auto info = plain.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Qed);
  EXPECT_EQ(info->virtualSize, 5ull << 30);
  EXPECT_EQ(info->clusterSize, 65536u);
  EXPECT_FALSE(info->backingPath);

  MemoryFile probed{qedHeader(true, false)};
  info = probed.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(*info->backingPath, "base.qcow");
  EXPECT_FALSE(info->backingFormat);

  MemoryFile raw{qedHeader(true, true)};
  info = raw.probe();
  ASSERT_TRUE(info);
  ASSERT_TRUE(info->backingFormat);
  EXPECT_EQ(*info->backingFormat, ImageFormat::Raw);
}

std::string vmdkSparse(std::string_view descriptor) {
  std::string s(8192, '\0');
  put(s, 0, "KDMV");
  le(s, 4, 1, 4);
  le(s, 12, 2097152, 8);  // sectors: 1 GiB
  le(s, 20, 128, 8);
  le(s, 28, 1, 8);   // descriptor at sector 1
  le(s, 36, 20, 8);  // 20 sectors long
  put(s, 512, descriptor);
  return s;
}

TEST(ImageProbeTest, VmdkSparseWithParent) {
  MemoryFile f{vmdkSparse(
      "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=2\ncreateType=\"monolithicSparse\"\n"
      "parentFileNameHint=\"parent.vmdk\"\nRW 2097152 SPARSE \"x.vmdk\"\n")};
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::Vmdk);
  EXPECT_EQ(info->virtualSize, 1ull << 30);
  EXPECT_EQ(*info->backingPath, "parent.vmdk");
  EXPECT_EQ(f.reads, 1);
}

TEST(ImageProbeTest, VmdkSparseDescriptorBeyondFirstRead) {
  std::string text = "# Disk DescriptorFile\nversion=1\n" + std::string(5000, '#') +
                     "\nparentFileNameHint=\"p.vmdk\"\n";
  MemoryFile f{vmdkSparse(text)};
  f.bytes.resize(16384, '\0');
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(*info->backingPath, "p.vmdk");
  EXPECT_EQ(f.reads, 2);
}

TEST(ImageProbeTest, VmdkTextDescriptor) {
  MemoryFile f{
      "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
      "createType=\"monolithicFlat\"\n\n# Extent description\nRW 2048 FLAT \"a-flat.vmdk\" 0\n"
      "RW 1024 FLAT \"b-flat.vmdk\" 0\n"};
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::Vmdk);
  EXPECT_EQ(info->virtualSize, 3072u * 512);
  EXPECT_FALSE(info->backingPath);

  MemoryFile noType{"# Disk DescriptorFile\nversion=1\nRW 2048 FLAT \"a-flat.vmdk\" 0\n"};
  auto bad = noType.probe();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("createType"), std::string::npos);

  MemoryFile text{"hello world\nversion=1\n"};
  info = text.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
}

TEST(ImageProbeTest, Vpc) {
  std::string s(512, '\0');
  put(s, 0, "conectix");
  be(s, 12, 0x10000, 4);
  put(s, 28, "qemu");
  be(s, 40, 104890368, 8);
  be(s, 48, 104890368, 8);
  be(s, 56, 813, 2);  // 813 * 16 * 63 sectors = 104890368 bytes
  s[58] = 16;
  s[59] = 63;
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Vpc);
  EXPECT_EQ(info->virtualSize, 813ull * 16 * 63 * 512);
  // Hyper-V's creator: the current size counts, not the geometry.
  put(s, 28, "win ");
  be(s, 48, 100ull << 20, 8);
  MemoryFile w{s};
  info = w.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->virtualSize, 100ull << 20);
}

TEST(ImageProbeTest, Vdi) {
  std::string s(512, '\0');
  put(s, 0, "<<< QEMU VM Virtual Disk Image >>>\n");
  put(s, 64, "\x7f\x10\xda\xbe");
  le(s, 68, 0x00010001, 4);
  le(s, 368, 1ull << 30, 8);
  le(s, 376, 1 << 20, 4);
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Vdi);
  EXPECT_EQ(info->virtualSize, 1ull << 30);
  EXPECT_EQ(info->clusterSize, 1u << 20);
}

TEST(ImageProbeTest, CowAndPloop) {
  std::string cow(2048, '\0');
  put(cow, 0, "OOOM");
  be(cow, 4, 2, 4);
  put(cow, 8, "/var/lib/base.img");
  be(cow, 1036, 123456512, 8);
  MemoryFile f{cow};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Cow);
  EXPECT_EQ(info->virtualSize, 123456512u);
  EXPECT_EQ(*info->backingPath, "/var/lib/base.img");

  std::string ploop(512, '\0');
  put(ploop, 0, "WithouFreSpacExt");
  le(ploop, 36, 2048, 8);
  MemoryFile p{ploop};
  info = p.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Ploop);
  EXPECT_EQ(info->virtualSize, 2048u * 512);
}

TEST(ImageProbeTest, Luks) {
  std::string s(1 << 20, '\0');
  put(s, 0, "LUKS\xba\xbe");
  be(s, 6, 1, 2);
  put(s, 8, "aes");
  be(s, 104, 4096, 4);  // 4096 sectors = 2 MiB, beyond the 1 MiB file
  MemoryFile bad{s};
  auto info = bad.probe();
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("payload offset"), std::string::npos);

  be(s, 104, 1024, 4);  // 512 KiB
  MemoryFile f{s};
  info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Luks);
  EXPECT_EQ(info->virtualSize, (1u << 20) - 512u * 1024);
  EXPECT_TRUE(info->encrypted);
  EXPECT_EQ(info->encryptionFormat, "luks");

  be(s, 6, 2, 2);  // LUKS2: neither libvirt nor this probe know it
  MemoryFile v2{s};
  info = v2.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
  EXPECT_FALSE(info->encrypted);
}

TEST(ImageProbeTest, BochsAndCloop) {
  std::string b(512, '\0');
  put(b, 0, "Bochs Virtual HD Image");
  put(b, 32, "Redolog");
  put(b, 48, "Growing");
  le(b, 64, 0x00020000, 4);
  le(b, 88, 10ull << 20, 8);
  MemoryFile f{b};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Bochs);
  EXPECT_EQ(info->virtualSize, 10ull << 20);

  std::string c =
      "#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n";
  c.resize(128, '\0');
  be(c, 128, 65536, 4);
  be(c, 132, 100, 4);
  MemoryFile g{c};
  info = g.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Cloop);
  EXPECT_EQ(info->virtualSize, 100u * 65536);
  g.bytes.resize(130);
  EXPECT_FALSE(g.probe());
}

std::string dmgImage() {
  std::string s(0x9000, '\0');
  std::size_t t = s.size() - 512;
  put(s, t, "koly");
  be(s, t + 4, 4, 4);
  be(s, t + 8, 512, 4);
  be(s, t + 492, 4096, 8);
  return s;
}

TEST(ImageProbeTest, DmgTrailerInAFileNamedDmg) {
  MemoryFile f{dmgImage(), "/pool/disk.dmg"};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Dmg);
  EXPECT_EQ(info->virtualSize, 4096u * 512);
  EXPECT_EQ(libvirtProbedFormat(info->format), ImageFormat::Raw);
}

TEST(ImageProbeTest, DmgTrailerIsNotLookedForUnderOtherNames) {
  for (const char* name : {"disk.img", "disk.DMG", "dmg", ".dmg", ""}) {
    MemoryFile f{dmgImage(), name};
    auto info = f.probe();
    ASSERT_TRUE(info) << name;
    EXPECT_EQ(info->format, ImageFormat::Raw) << name;
    EXPECT_EQ(info->virtualSize, f.bytes.size()) << name;
    EXPECT_EQ(f.reads, 2) << name;  // head and ISO descriptor, not the trailer
  }
}

TEST(ImageProbeTest, FileNamedDmgWithoutTrailerIsRaw) {
  MemoryFile f{std::string(0x9000, '\0'), "disk.dmg"};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
  EXPECT_EQ(info->virtualSize, f.bytes.size());
  EXPECT_EQ(f.reads, 3);
}

std::string isoImage() {
  std::string s(0x8800, '\0');
  s[0x8000] = 1;  // primary volume descriptor
  put(s, 0x8001, "CD001");
  s[0x8006] = 1;
  return s;
}

TEST(ImageProbeTest, Iso) {
  MemoryFile f{isoImage()};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Iso);
  EXPECT_EQ(info->virtualSize, f.bytes.size());
  EXPECT_EQ(f.reads, 2);
  EXPECT_LE(f.bytesRequested, 4096u + 5);
}

TEST(ImageProbeTest, LargeRawReadsLittle) {
  MemoryFile f{std::string(1 << 20, '\0')};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Raw);
  EXPECT_EQ(info->virtualSize, 1u << 20);
  EXPECT_EQ(f.reads, 2);  // head, ISO descriptor
  EXPECT_LE(f.bytesRequested, 4096u + 5);
}

TEST(ImageProbeTest, HeaderAtZeroWinsOverIsoDescriptor) {
  std::string s = qcow2V3();
  put(s, 0x8001, "CD001");
  MemoryFile f{s};
  auto info = f.probe();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format, ImageFormat::Qcow2);
}

std::string vhdxImage() {
  // File identifier, a region table locating the metadata region, and a metadata table with
  // the virtual disk size and the file parameters (block size).
  std::string s(0x110000, '\0');
  put(s, 0, "vhdxfile");
  const std::size_t rt = 0x30000;
  put(s, rt, "regi");
  le(s, rt + 8, 1, 4);
  put(s, rt + 16,
      std::string_view("\x06\xA2\x7C\x8B\x90\x47\x9A\x4B\xB8\xFE\x57\x5F\x05\x0F\x88\x6E", 16));
  le(s, rt + 32, 0x100000, 8);
  le(s, rt + 40, 0x10000, 4);
  const std::size_t md = 0x100000;
  put(s, md, "metadata");
  le(s, md + 10, 2, 2);
  put(s, md + 32,
      std::string_view("\x24\x42\xA5\x2F\x1B\xCD\x76\x48\xB2\x11\x5D\xBE\xD8\x3B\xF4\xB8", 16));
  le(s, md + 48, 0x10000, 4);
  put(s, md + 64,
      std::string_view("\x37\x67\xA1\xCA\x36\xFA\x43\x4D\xB3\xB6\x33\xF0\xAA\x44\xE7\x6B", 16));
  le(s, md + 80, 0x10008, 4);
  le(s, md + 0x10000, 3ull << 30, 8);
  le(s, md + 0x10008, 32u << 20, 4);
  return s;
}

TEST(ImageProbeTest, Vhdx) {
  MemoryFile f{vhdxImage()};
  auto info = f.probe();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::Vhdx);
  EXPECT_EQ(info->virtualSize, 3ull << 30);
  EXPECT_EQ(info->clusterSize, 32u << 20);

  std::string broken = vhdxImage();
  put(broken, 0x30000, "xxxx");
  MemoryFile g{broken};
  auto bad = g.probe();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InternalError);
}

TEST(ImageProbeTest, ReadErrorsPropagate) {
  ReadAt failing = [](std::uint64_t, std::span<char>) -> Result<std::size_t> {
    return makeError(ErrorCode::ReadFailed, ErrorDomain::Storage, "boom");
  };
  auto info = probeImage(100, failing);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::ReadFailed);
}

// Every prefix of every sample header, and random corruption of it: a result or an error,
// never a crash, and never a read outside the file.
TEST(ImageProbeTest, TruncatedAndGarbledHeadersNeverCrash) {
  std::vector<std::string> samples = {
      qcow2V3(),  qcow2V3(2), qedHeader(true, true), vmdkSparse("parentFileNameHint=\"a\"\n"),
      isoImage(), vhdxImage()};
  for (auto& s : samples) {
    if (s.size() > 0x9000)
      s.resize(0x9000);  // keep the sweep quick; vhdx tables cut off
  }
  std::mt19937 rng(42);
  int errors = 0, results = 0;
  for (const std::string& sample : samples) {
    for (std::size_t len = 0; len <= std::min<std::size_t>(sample.size(), 1200); ++len) {
      MemoryFile f{sample.substr(0, len)};
      auto info = f.probe();
      (info ? results : errors)++;
      if (info) {
        EXPECT_LE(info->backingPath.value_or("").size(), 1023u);
      }
    }
    for (int round = 0; round < 300; ++round) {
      std::string s = sample.substr(0, 2048);
      for (int k = 0; k < 8; ++k) {
        s[std::uniform_int_distribution<std::size_t>(0, 127)(rng)] =
            static_cast<char>(rng() & 0xff);
      }
      MemoryFile f{s};
      ReadAt strict = [&f](std::uint64_t offset, std::span<char> buf) -> Result<std::size_t> {
        EXPECT_LE(offset, f.bytes.size());
        return f.reader()(offset, buf);
      };
      auto info = probeImage(f.bytes.size(), strict);
      (info ? results : errors)++;
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(results, 0);
}

TEST(ImageFormatTest, LibvirtNamesAndOrder) {
  // libvirt 9.0's virStorageFileFormat numbering.
  EXPECT_EQ(static_cast<int>(ImageFormat::Raw), 1);
  EXPECT_EQ(static_cast<int>(ImageFormat::Iso), 6);
  EXPECT_EQ(static_cast<int>(ImageFormat::Ploop), 11);
  EXPECT_EQ(static_cast<int>(ImageFormat::Cow), 12);
  EXPECT_EQ(static_cast<int>(ImageFormat::Vmdk), 16);
  EXPECT_EQ(imageFormatName(ImageFormat::Vhd), "vhd");
  EXPECT_EQ(imageFormatFromName("qcow2"), ImageFormat::Qcow2);
  EXPECT_EQ(imageFormatFromName("vhdx"), ImageFormat::Vhdx);
  EXPECT_FALSE(imageFormatFromName("bogus"));
  EXPECT_TRUE(isLibvirtImageFormat(ImageFormat::Vmdk));
  EXPECT_FALSE(isLibvirtImageFormat(ImageFormat::Luks));
  EXPECT_FALSE(isLibvirtImageFormat(ImageFormat::Vhdx));
  EXPECT_EQ(libvirtProbedFormat(ImageFormat::Vhdx), ImageFormat::Raw);
  EXPECT_EQ(libvirtProbedFormat(ImageFormat::Qcow2), ImageFormat::Qcow2);
}

}  // namespace
}  // namespace virtus::formats
