#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "driver/storage_flags.h"
#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/dir/dir_test_support.h"

namespace virtus::storage::dir {
namespace {

using testing::DirBackendTest;
constexpr std::uint64_t kMiB = 1 << 20;

class DirVolumeTest : public DirBackendTest {
 protected:
  void makeSparse(const std::string& path, std::uint64_t size) {
    writeFile(path, 0, std::string(kMiB, 'A'));
    writeFile(path, 5 * kMiB, std::string(kMiB, 'B'));
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(size)), 0);
  }
  model::VolDef probed(const std::string& name) {
    model::VolDef vol;
    vol.name = name;
    vol.target.path = poolPath(name);
    vol.key = vol.target.path;
    EXPECT_TRUE(backend().refreshVol(pool_, vol));
    return vol;
  }
};

TEST_F(DirVolumeTest, CreateVolFillsPathKeyType) {
  auto vol = newVol("a.img", kMiB, 0);
  EXPECT_EQ(vol.target.path, poolPath("a.img"));
  EXPECT_EQ(vol.key, poolPath("a.img"));
  EXPECT_EQ(vol.type, model::VolType::File);
  auto d = newVol("d", 0, 0, "dir");
  EXPECT_EQ(d.type, model::VolType::Dir);

  model::VolDef slash;
  slash.name = "x/y";
  auto r = backend().createVol(pool_, slash);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationInvalid);
  EXPECT_EQ(r.error().message, "volume name 'x/y' cannot contain '/'");

  writeFile(poolPath("taken"), 0, "x");
  model::VolDef taken;
  taken.name = "taken";
  auto t = backend().createVol(pool_, taken);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message, "volume target path '" + poolPath("taken") + "' already exists");
}

TEST_F(DirVolumeTest, BuildRawSparseAndPreallocated) {
  auto sparse = newVol("sparse.img", 64 * kMiB, 0);
  ASSERT_TRUE(backend().buildVol(pool_, sparse, 0));
  auto st = statOf(sparse.target.path);
  EXPECT_EQ(st.st_size, static_cast<off_t>(64 * kMiB));
  EXPECT_EQ(st.st_blocks, 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  auto full = newVol("full.img", 8 * kMiB, 8 * kMiB);
  full.target.perms.mode = 0644;
  ASSERT_TRUE(backend().buildVol(pool_, full, 0));
  st = statOf(full.target.path);
  EXPECT_EQ(st.st_size, static_cast<off_t>(8 * kMiB));
  EXPECT_GE(static_cast<std::uint64_t>(st.st_blocks) * 512, 8 * kMiB);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  auto info = qemuImgInfo(full.target.path);
  EXPECT_EQ(info["format"], "raw");
  EXPECT_EQ(info["virtual-size"].get<std::uint64_t>(), 8 * kMiB);

  // libvirt preallocates `allocation` bytes even when below the capacity.
  auto part = newVol("part.img", 8 * kMiB, 2 * kMiB);
  ASSERT_TRUE(backend().buildVol(pool_, part, 0));
  st = statOf(part.target.path);
  EXPECT_GE(static_cast<std::uint64_t>(st.st_blocks) * 512, 2 * kMiB);
  EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, 8 * kMiB);
}

TEST_F(DirVolumeTest, BuildRawRejectsWhatLibvirtRejects) {
  auto vol = newVol("r.img", kMiB, 0);
  auto meta = backend().buildVol(pool_, vol, driver::create_vol::kPreallocMetadata);
  ASSERT_FALSE(meta);
  EXPECT_EQ(meta.error().code, ErrorCode::ConfigUnsupported);
  EXPECT_EQ(meta.error().message, "metadata preallocation is not supported for raw volumes");
  vol.backingStore = model::VolBackingStore{"/dev/null", "raw", {}};
  auto backing = backend().buildVol(pool_, vol, 0);
  ASSERT_FALSE(backing);
  EXPECT_EQ(backing.error().message, "backing storage not supported for raw volumes");
  EXPECT_FALSE(fs_.exists(vol.target.path));
  auto flags = backend().buildVol(pool_, vol, 1u << 7);
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().code, ErrorCode::InvalidArg);
}

TEST_F(DirVolumeTest, BuildRawOnFullFilesystemLeavesNothing) {
  std::string small = mountTmpfs("small", "size=2M");
  if (small.empty())
    GTEST_SKIP() << "cannot mount tmpfs here";
  pool_.def.target.path = small;
  auto vol = newVol("big.img", 8 * kMiB, 8 * kMiB);
  auto r = backend().buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_NE(r.error().message.find("No space left on device"), std::string::npos)
      << r.error().message;
  EXPECT_FALSE(fs_.exists(vol.target.path));
  auto names = fs_.listDirectory(small);
  ASSERT_TRUE(names);
  EXPECT_TRUE(names->empty());
}

TEST_F(DirVolumeTest, BuildOnReadOnlyFilesystemFailsCleanly) {
  std::string ro = mountTmpfs("ro", "size=4M");
  if (ro.empty())
    GTEST_SKIP() << "cannot mount tmpfs here";
  remountReadOnly(ro);
  pool_.def.target.path = ro;
  auto vol = newVol("x.img", kMiB, 0);
  auto r = backend().buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Failed to create file '" + vol.target.path + "': Read-only file system");
  EXPECT_FALSE(fs_.exists(vol.target.path));
}

TEST_F(DirVolumeTest, BuildQcow2NativelyPassesQemuImgCheck) {
  makeSparse(poolPath("base.raw"), 16 * kMiB);
  auto vol = newVol("n.qcow2", 1ull << 30, 0, "qcow2");
  vol.target.compat = "1.1";
  vol.target.lazyRefcounts = true;
  vol.target.clusterSize = 131072;
  vol.backingStore = model::VolBackingStore{poolPath("base.raw"), "", {}};
  auto r = backend().buildVol(pool_, vol, 0);  // the fake runner: no process may run
  ASSERT_TRUE(r) << r.error().message;
  run({"qemu-img", "check", vol.target.path});
  auto info = qemuImgInfo(vol.target.path);
  EXPECT_EQ(info["format"], "qcow2");
  EXPECT_EQ(info["virtual-size"].get<std::uint64_t>(), 1ull << 30);
  EXPECT_EQ(info["cluster-size"].get<std::uint64_t>(), 131072u);
  EXPECT_EQ(info["format-specific"]["data"]["compat"], "1.1");
  EXPECT_EQ(info["format-specific"]["data"]["lazy-refcounts"], true);
  EXPECT_EQ(info["backing-filename"], poolPath("base.raw"));
  EXPECT_EQ(info["backing-filename-format"], "raw");  // probed natively
  EXPECT_EQ(statOf(vol.target.path).st_mode & 07777, 0600u);
  // A refresh keeps the cluster size of the definition (libvirt never probes it).
  ASSERT_TRUE(backend().refreshVol(pool_, vol));
  EXPECT_EQ(vol.target.clusterSize, std::optional<std::uint64_t>(131072));
  EXPECT_FALSE(probed("n.qcow2").target.clusterSize);

  // libvirt's default compat for qcow2 is 0.10.
  auto v2 = newVol("v2.qcow2", 64 * kMiB, 0, "qcow2");
  ASSERT_TRUE(backend().buildVol(pool_, v2, driver::create_vol::kPreallocMetadata));
  run({"qemu-img", "check", v2.target.path});
  auto info2 = qemuImgInfo(v2.target.path);
  EXPECT_EQ(info2["format-specific"]["data"]["compat"], "0.10");
}

// libvirtd 9.0 (qemu-img) for vol-create-as p q1.qcow2 16M --format qcow2: physical 196616,
// allocation 200704; with --prealloc-metadata: allocation 266240. The native writer matches.
TEST_F(DirVolumeTest, BuildQcow2AllocatesWhatQemuImgAllocates) {
  for (unsigned flags : {0u, driver::create_vol::kPreallocMetadata}) {
    for (std::uint64_t size : {16 * kMiB, 1000 * kMiB}) {
      SCOPED_TRACE(std::to_string(size) + (flags ? " prealloc" : ""));
      const std::string suffix = std::to_string(size) + "-" + std::to_string(flags);
      auto vol = newVol("n" + suffix + ".qcow2", size, 0, "qcow2");
      ASSERT_TRUE(backend().buildVol(pool_, vol, flags));
      const std::string theirs = poolPath("q" + suffix + ".qcow2");
      run({"qemu-img", "create", "-q", "-f", "qcow2", "-o",
           flags ? "compat=0.10,preallocation=metadata" : "compat=0.10", theirs,
           std::to_string(size)});
      auto ours = probed(vol.name);
      auto ref = probed("q" + suffix + ".qcow2");
      EXPECT_EQ(ours.physical, ref.physical);
      EXPECT_EQ(ours.allocation, ref.allocation);
      if (size == 16 * kMiB) {
        EXPECT_EQ(ours.physical, std::optional<std::uint64_t>(flags ? 17104896 : 196616));
        EXPECT_EQ(ours.allocation, flags ? 266240u : 200704u);
      }
    }
  }
}

TEST_F(DirVolumeTest, BuildQcow2WithMissingBackingFails) {
  auto vol = newVol("o.qcow2", kMiB, 0, "qcow2");
  vol.backingStore = model::VolBackingStore{poolPath("absent"), "raw", {}};
  auto r = backend().buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "inaccessible backing store volume " + poolPath("absent") +
                                   ": No such file or directory");
  EXPECT_FALSE(fs_.exists(vol.target.path));
}

TEST_F(DirVolumeTest, BadSizesFailWithoutLeavingFiles) {
  auto huge = newVol("huge.raw", std::uint64_t{1} << 62, 0);
  auto r = backend().buildVol(pool_, huge, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot truncate file '" + huge.target.path + "': File too large");
  EXPECT_FALSE(fs_.exists(huge.target.path));

  auto cluster = newVol("c.qcow2", kMiB, 0, "qcow2");
  cluster.target.clusterSize = 1000;  // not a power of two
  auto q = backend().buildVol(pool_, cluster, 0);
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message.find("1000"), std::string::npos) << q.error().message;
  EXPECT_FALSE(fs_.exists(cluster.target.path));
}

TEST_F(DirVolumeTest, BuildOtherFormatsThroughQemuImg) {
  auto vol = newVol("v.vmdk", 10 * kMiB, 0, "vmdk");
  fake_.expect("qemu-img", "create", "-f", "vmdk", vol.target.path, "10240K").replies(0);
  // The fake does not create the file: the build still applies its mode, which fails, and
  // the rollback must not complain about a file that is not there.
  auto r = backend().buildVol(pool_, vol, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "cannot set mode of '" + vol.target.path + "' to 0600: No such file or directory");
  fake_.verify();

  auto failing = newVol("w.vpc", kMiB, 0, "vpc");
  fake_.expect("qemu-img", "create", "-f", "vpc", failing.target.path, "1024K")
      .replies(1, "", "qemu-img: boom\n");
  auto f = backend().buildVol(pool_, failing, 0);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, "Child process (qemu-img create -f vpc " + failing.target.path +
                                   " 1024K) unexpected exit status 1: qemu-img: boom");
}

TEST_F(DirVolumeTest, BuildQedForRealWithQemuImg) {
  auto vol = newVol("r.qed", 32 * kMiB, 0, "qed");
  vol.target.perms.mode = 0640;
  auto r = realBackend().buildVol(pool_, vol, 0);
  ASSERT_TRUE(r) << r.error().message;
  auto info = qemuImgInfo(vol.target.path);
  EXPECT_EQ(info["format"], "qed");
  EXPECT_EQ(info["virtual-size"].get<std::uint64_t>(), 32 * kMiB);
  EXPECT_EQ(statOf(vol.target.path).st_mode & 07777, 0640u);
}

TEST_F(DirVolumeTest, BuildDirVolume) {
  auto vol = newVol("sub", 0, 0, "dir");
  ASSERT_TRUE(backend().buildVol(pool_, vol, 0));
  auto st = statOf(vol.target.path);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  writeFile(vol.target.path + "/inside", 0, "x");
  auto full = backend().deleteVol(pool_, vol, 0);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().message,
            "cannot remove directory '" + vol.target.path + "': Directory not empty");
  ASSERT_EQ(::unlink((vol.target.path + "/inside").c_str()), 0);
  ASSERT_TRUE(backend().deleteVol(pool_, vol, 0));
  EXPECT_FALSE(fs_.exists(vol.target.path));
}

TEST_F(DirVolumeTest, CloneRawKeepsHolesAndContent) {
  makeSparse(poolPath("src.raw"), 10 * kMiB);
  auto source = probed("src.raw");
  auto clone = newVol("clone.raw", 0, 0);
  std::uint64_t lastDone = 0, calls = 0;
  auto r =
      backend().buildVolFrom(pool_, clone, source, 0, [&](std::uint64_t done, std::uint64_t total) {
        EXPECT_GE(done, lastDone);
        EXPECT_EQ(total, 10 * kMiB);
        lastDone = done;
        ++calls;
      });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_GT(calls, 0u);
  EXPECT_EQ(lastDone, 10 * kMiB);
  EXPECT_EQ(readAll(clone.target.path), readAll(source.target.path));
  auto srcSt = statOf(source.target.path);
  auto dstSt = statOf(clone.target.path);
  EXPECT_EQ(dstSt.st_size, srcSt.st_size);
  EXPECT_LE(dstSt.st_blocks, srcSt.st_blocks);
  EXPECT_LT(static_cast<std::uint64_t>(dstSt.st_blocks) * 512, 3 * kMiB);
}

TEST_F(DirVolumeTest, CloneRawSkipsZeroBlocksInsideData) {
  writeFile(poolPath("zeros.raw"), 0, std::string(4 * kMiB, '\0'));
  writeFile(poolPath("zeros.raw"), 4 * kMiB, std::string(4096, 'z'));
  auto source = probed("zeros.raw");
  EXPECT_GE(source.allocation, 4 * kMiB);
  auto clone = newVol("zclone.raw", 0, 0);
  ASSERT_TRUE(backend().buildVolFrom(pool_, clone, source, 0, {}));
  EXPECT_EQ(readAll(clone.target.path), readAll(source.target.path));
  EXPECT_LT(static_cast<std::uint64_t>(statOf(clone.target.path).st_blocks) * 512, kMiB);
}

TEST_F(DirVolumeTest, CloneRawGrowsAndPreallocates) {
  makeSparse(poolPath("src.raw"), 8 * kMiB);
  auto source = probed("src.raw");
  auto clone = newVol("grown.raw", 16 * kMiB, 16 * kMiB);
  ASSERT_TRUE(backend().buildVolFrom(pool_, clone, source, 0, {}));
  auto st = statOf(clone.target.path);
  EXPECT_EQ(st.st_size, static_cast<off_t>(16 * kMiB));
  EXPECT_GE(static_cast<std::uint64_t>(st.st_blocks) * 512, 16 * kMiB);
  std::string content = readAll(clone.target.path);
  EXPECT_EQ(content.substr(0, 8 * kMiB), readAll(source.target.path));
  EXPECT_EQ(content.substr(8 * kMiB), std::string(8 * kMiB, '\0'));
}

TEST_F(DirVolumeTest, CloneWithReflinkFlagNeedsReflink) {
  makeSparse(poolPath("src.raw"), 8 * kMiB);
  auto source = probed("src.raw");
  auto clone = newVol("ref.raw", 0, 0);
  auto r = backend().buildVolFrom(pool_, clone, source, driver::create_vol::kReflink, {});
  if (r) {
    EXPECT_EQ(readAll(clone.target.path), readAll(source.target.path));
  } else {
    EXPECT_EQ(r.error().message,
              "failed to clone files from '" + source.target.path + "': Operation not supported");
    EXPECT_FALSE(fs_.exists(clone.target.path));
  }
}

TEST_F(DirVolumeTest, CloneRawToQcow2ConvertsWithQemuImg) {
  makeSparse(poolPath("src.raw"), 8 * kMiB);
  auto source = probed("src.raw");
  auto fakeClone = newVol("c.qcow2", 0, 0, "qcow2");
  fake_
      .expect("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-o", "compat=0.10",
              source.target.path, fakeClone.target.path)
      .replies(1, "", "no space");
  EXPECT_FALSE(backend().buildVolFrom(pool_, fakeClone, source, 0, {}));
  fake_.verify();

  auto clone = newVol("real.qcow2", 0, 0, "qcow2");
  ASSERT_TRUE(realBackend().buildVolFrom(pool_, clone, source, 0, {}));
  run({"qemu-img", "check", clone.target.path});
  run({"qemu-img", "compare", "-f", "raw", "-F", "qcow2", source.target.path, clone.target.path});
  EXPECT_EQ(qemuImgInfo(clone.target.path)["format"], "qcow2");
}

// libvirt clones a qcow2 volume with `qemu-img convert`: a compact image (libvirtd 9.0, 16 MiB
// qcow2 clone: physical 196616, allocation 200704), never a file as large as the capacity.
TEST_F(DirVolumeTest, CloneQcow2SameFormatConvertsToACompactImage) {
  run({"qemu-img", "create", "-q", "-f", "qcow2", "-o", "compat=0.10", poolPath("src.qcow2"),
       "16M"});
  auto source = probed("src.qcow2");
  auto fakeClone = newVol("f.qcow2", 0, 0, "qcow2");
  fake_
      .expect("qemu-img", "convert", "-f", "qcow2", "-O", "qcow2", "-o", "compat=0.10",
              source.target.path, fakeClone.target.path)
      .replies(1, "", "no space");
  EXPECT_FALSE(backend().buildVolFrom(pool_, fakeClone, source, 0, {}));
  fake_.verify();

  auto clone = newVol("copy.qcow2", 0, 0, "qcow2");
  ASSERT_TRUE(realBackend().buildVolFrom(pool_, clone, source, 0, {}));
  run({"qemu-img", "check", clone.target.path});
  run({"qemu-img", "compare", source.target.path, clone.target.path});
  auto st = statOf(clone.target.path);
  EXPECT_EQ(st.st_size, 196616);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_blocks) * 512, 200704u);

  // With data, and from a metadata-preallocated source: still compact, same data.
  run({"qemu-img", "create", "-q", "-f", "qcow2", "-o", "preallocation=metadata",
       poolPath("pre.qcow2"), "16M"});
  run({"qemu-io", "-c", "write -P 0x55 1M 64k", poolPath("pre.qcow2")});
  auto pre = probed("pre.qcow2");
  auto preClone = newVol("pre-copy.qcow2", 0, 0, "qcow2");
  ASSERT_TRUE(realBackend().buildVolFrom(pool_, preClone, pre, 0, {}));
  run({"qemu-img", "check", preClone.target.path});
  run({"qemu-img", "compare", pre.target.path, preClone.target.path});
  EXPECT_LT(statOf(preClone.target.path).st_size, 1 << 20);
}

TEST_F(DirVolumeTest, DeleteVol) {
  auto vol = newVol("d.img", kMiB, 0);
  ASSERT_TRUE(backend().buildVol(pool_, vol, 0));
  auto zeroed = backend().deleteVol(pool_, vol, driver::delete_vol::kZeroed);
  ASSERT_FALSE(zeroed);
  EXPECT_EQ(zeroed.error().message,
            "unsupported flags (0x1) in function virStorageBackendFileSystemVolDelete");
  auto snaps = backend().deleteVol(pool_, vol, driver::delete_vol::kWithSnapshots);
  ASSERT_FALSE(snaps);
  EXPECT_EQ(snaps.error().code, ErrorCode::InvalidArg);
  ASSERT_TRUE(backend().deleteVol(pool_, vol, 0));
  EXPECT_FALSE(fs_.exists(vol.target.path));
  EXPECT_TRUE(backend().deleteVol(pool_, vol, 0));  // already gone
  vol.type = model::VolType::Block;
  EXPECT_FALSE(backend().deleteVol(pool_, vol, 0));
}

TEST_F(DirVolumeTest, ResizeRaw) {
  using namespace driver::resize_vol;
  auto vol = newVol("r.img", 4 * kMiB, 0);
  ASSERT_TRUE(backend().buildVol(pool_, vol, 0));
  ASSERT_TRUE(backend().refreshVol(pool_, vol));
  ASSERT_TRUE(backend().resizeVol(pool_, vol, 8 * kMiB, 0));
  EXPECT_EQ(statOf(vol.target.path).st_size, static_cast<off_t>(8 * kMiB));
  EXPECT_EQ(vol.capacity, 8 * kMiB);

  auto noShrink = backend().resizeVol(pool_, vol, 2 * kMiB, 0);
  ASSERT_FALSE(noShrink);
  EXPECT_EQ(noShrink.error().code, ErrorCode::InvalidArg);
  EXPECT_EQ(noShrink.error().message,
            "Can't shrink capacity below current capacity unless shrink flag explicitly "
            "specified");
  ASSERT_TRUE(backend().resizeVol(pool_, vol, 2 * kMiB, kShrink));
  EXPECT_EQ(statOf(vol.target.path).st_size, static_cast<off_t>(2 * kMiB));

  ASSERT_TRUE(backend().refreshPool(pool_));
  ASSERT_TRUE(backend().resizeVol(pool_, vol, 6 * kMiB, kAllocate));
  auto st = statOf(vol.target.path);
  EXPECT_EQ(st.st_size, static_cast<off_t>(6 * kMiB));
  EXPECT_GE(static_cast<std::uint64_t>(st.st_blocks) * 512, 4 * kMiB);
  EXPECT_GE(vol.allocation, 4 * kMiB);

  auto belowAlloc = backend().resizeVol(pool_, vol, kMiB, kShrink);
  ASSERT_FALSE(belowAlloc);
  EXPECT_EQ(belowAlloc.error().message, "can't shrink capacity below existing allocation");
  EXPECT_FALSE(backend().resizeVol(pool_, vol, 8 * kMiB, kDelta));

  pool_.def.available = kMiB;
  auto noSpace = backend().resizeVol(pool_, vol, 64 * kMiB, kAllocate);
  ASSERT_FALSE(noSpace);
  EXPECT_EQ(noSpace.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(noSpace.error().message, "Not enough space left in storage pool");
}

TEST_F(DirVolumeTest, ResizeQcow2ThroughQemuImg) {
  using namespace driver::resize_vol;
  run({"qemu-img", "create", "-f", "qcow2", poolPath("q.qcow2"), "64M"});
  ASSERT_TRUE(backend().refreshPool(pool_));
  auto vol = probed("q.qcow2");
  fake_.expect("qemu-img", "resize", vol.target.path, std::to_string(128 * kMiB)).replies(0);
  EXPECT_TRUE(backend().resizeVol(pool_, vol, 128 * kMiB, 0));
  fake_.verify();
  auto prealloc = backend().resizeVol(pool_, vol, 256 * kMiB, kAllocate);
  ASSERT_FALSE(prealloc);
  EXPECT_EQ(prealloc.error().message, "preallocate is only supported for raw type volume");

  vol = probed("q.qcow2");
  ASSERT_TRUE(realBackend().resizeVol(pool_, vol, 32 * kMiB, kShrink));
  EXPECT_EQ(qemuImgInfo(vol.target.path)["virtual-size"].get<std::uint64_t>(), 32 * kMiB);
  EXPECT_EQ(vol.capacity, 32 * kMiB);
}

TEST_F(DirVolumeTest, WipeZeroOverwritesDataAndKeepsSparseFilesSparse) {
  writeFile(poolPath("full.raw"), 0, std::string(2 * kMiB, 'x'));
  auto full = probed("full.raw");
  std::uint64_t last = 0;
  ASSERT_TRUE(backend().wipeVol(pool_, full, driver::WipeAlgorithm::Zero, 0,
                                [&](std::uint64_t done, std::uint64_t) { last = done; }));
  EXPECT_EQ(last, 2 * kMiB);
  EXPECT_EQ(readAll(full.target.path), std::string(2 * kMiB, '\0'));

  makeSparse(poolPath("sparse.raw"), 10 * kMiB);
  auto sparse = probed("sparse.raw");
  ASSERT_TRUE(backend().wipeVol(pool_, sparse, driver::WipeAlgorithm::Zero, 0, {}));
  EXPECT_EQ(readAll(sparse.target.path), std::string(10 * kMiB, '\0'));
  EXPECT_EQ(statOf(sparse.target.path).st_size, static_cast<off_t>(10 * kMiB));
  EXPECT_LT(static_cast<std::uint64_t>(statOf(sparse.target.path).st_blocks) * 512, kMiB);
}

TEST_F(DirVolumeTest, WipeTrimPunchesEverything) {
  writeFile(poolPath("t.raw"), 0, std::string(2 * kMiB, 'x'));
  auto vol = probed("t.raw");
  ASSERT_TRUE(backend().wipeVol(pool_, vol, driver::WipeAlgorithm::Trim, 0, {}));
  EXPECT_EQ(readAll(vol.target.path), std::string(2 * kMiB, '\0'));
  EXPECT_LT(vol.allocation, kMiB);
}

TEST_F(DirVolumeTest, WipePatternsRunScrub) {
  writeFile(poolPath("s.raw"), 0, "secret");
  auto vol = probed("s.raw");
  fake_.expect("scrub", "-f", "-p", "gutmann", vol.target.path).replies(0);
  EXPECT_TRUE(backend().wipeVol(pool_, vol, driver::WipeAlgorithm::Gutmann, 0, {}));
  fake_.expect("scrub", "-f", "-p", "pfitzner33", vol.target.path).replies(1, "", "failed");
  EXPECT_FALSE(backend().wipeVol(pool_, vol, driver::WipeAlgorithm::Pfitzner33, 0, {}));
  EXPECT_FALSE(backend().wipeVol(pool_, vol, driver::WipeAlgorithm::Zero, 1, {}));
}

}  // namespace
}  // namespace virtus::storage::dir
