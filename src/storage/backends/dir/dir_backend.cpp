#include "storage/backends/dir/dir_backend.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "common/path_util.h"
#include "driver/storage_flags.h"
#include "os/clock.h"
#include "os/file_system.h"
#include "storage/backends/dir/dir_errors.h"
#include "storage/backends/dir/probe_cache.h"
#include "storage/backends/dir/volume_probe.h"

namespace virtus::storage {

StorageBackendPtr makeDirBackend(const BackendContext& ctx) {
  return std::make_unique<dir::DirBackend>(ctx);
}

void registerDirBackend(BackendRegistry& registry) {
  registry.add(model::PoolType::Dir, [](const BackendContext& ctx) { return makeDirBackend(ctx); });
}

namespace dir {

namespace {

// libvirt's VIR_STORAGE_DEFAULT_POOL_PERM_MODE.
constexpr std::uint32_t kDefaultPoolMode = 0711;
// Entries per work item of the parallel refresh: big enough to amortise the atomic, small
// enough to balance threads when some files are slow (cold cache).
constexpr std::size_t kRefreshBatch = 32;
// One more thread per this many entries, up to refreshThreads_.
constexpr std::size_t kFilesPerThread = 256;

bool hasControlChars(const std::string& name) {
  return std::any_of(name.begin(), name.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

struct ProbeSlot {
  model::VolDef vol;
  std::optional<ProbeOutcome> outcome;
  std::optional<Error> error;
  std::optional<ProbedHeader> probed;  // what the next refresh may reuse
  bool reused = false;                 // probed is the previous cache's entry, unchanged
};

}  // namespace

std::size_t DirBackend::defaultRefreshThreads() {
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
}

DirBackend::DirBackend(const BackendContext& ctx, std::size_t refreshThreads)
    : ctx_(ctx), refreshThreads_(std::max<std::size_t>(1, refreshThreads)) {}

BackendFeatures DirBackend::features() const {
  BackendFeatures f;
  f.buildPool = true;
  f.startPool = true;
  f.stopPool = false;
  f.deletePool = true;
  f.findPoolSources = false;
  f.createVol = true;
  f.buildVol = true;
  f.buildVolFrom = true;
  f.refreshVol = true;
  f.deleteVol = true;
  f.resizeVol = true;
  f.uploadVol = true;
  f.downloadVol = true;
  f.wipeVol = true;
  return f;
}

Result<void> DirBackend::refreshPool(PoolRuntime& pool) {
  const std::string& path = pool.def.target.path;
  // Before any stat: a file whose ctime is not older than this (minus the settle time) is
  // probed again next time (see probe_cache.h).
  const auto probeStart = ctx_.clock.wallNow();
  TRY_ASSIGN(auto dir, ctx_.fs.openDirectory(path));
  TRY_ASSIGN(auto names, dir->list());
  names.erase(std::remove_if(names.begin(), names.end(), hasControlChars), names.end());

  auto previous = std::dynamic_pointer_cast<const ProbeCache>(pool.refreshCache);
  if (previous && previous->directory() != path)
    previous.reset();

  std::vector<ProbeSlot> slots(names.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&]() {
    for (;;) {
      std::size_t begin = next.fetch_add(kRefreshBatch);
      if (begin >= names.size())
        return;
      std::size_t end = std::min(names.size(), begin + kRefreshBatch);
      for (std::size_t i = begin; i < end; ++i) {
        const ProbedHeader* cached = previous ? previous->find(names[i]) : nullptr;
        auto r = probeDirEntry(ctx_.fs, *dir, names[i], cached, slots[i].vol, slots[i].probed);
        slots[i].reused =
            cached != nullptr && slots[i].probed && slots[i].probed->identity == cached->identity;
        if (r) {
          slots[i].outcome = *r;
        } else {
          slots[i].error = std::move(r).error();
        }
      }
    }
  };
  // Threads pay only for pools big enough: starting one costs tens of microseconds.
  std::size_t threads =
      std::min(refreshThreads_, (names.size() + kFilesPerThread - 1) / kFilesPerThread);
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::jthread> pool_threads;
    pool_threads.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t)
      pool_threads.emplace_back(worker);
    worker();
  }  // jthreads join here

  // When every entry of the previous cache was reused and nothing else probed, it is still
  // exact: keep it rather than build an equal one.
  const bool unchanged =
      previous &&
      std::count_if(slots.begin(), slots.end(), [](const ProbeSlot& s) { return s.reused; }) ==
          static_cast<std::ptrdiff_t>(previous->size()) &&
      std::none_of(slots.begin(), slots.end(),
                   [](const ProbeSlot& s) { return s.probed && !s.reused; });
  std::shared_ptr<ProbeCache> cache;
  if (!unchanged) {
    cache = std::make_shared<ProbeCache>(path);
    cache->reserve(slots.size());
  }
  pool.volumes.clear();
  pool.unreadable.clear();
  pool.volumes.reserve(slots.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    auto& slot = slots[i];
    if (slot.error) {
      pool.unreadable.emplace_back(slot.vol.target.path, std::move(*slot.error));
      continue;
    }
    if (slot.outcome != ProbeOutcome::Volume)
      continue;
    if (cache && slot.probed && isSettled(slot.probed->identity.ctime, probeStart))
      cache->add(std::move(names[i]), std::move(*slot.probed));
    pool.volumes.push_back(std::move(slot.vol));
  }
  if (cache)
    pool.refreshCache = std::move(cache);

  TRY_ASSIGN(auto fsStat, ctx_.fs.statfs(path));
  // libvirt counts the blocks free to root (f_bfree) as available.
  pool.def.capacity = fsStat.capacity;
  pool.def.available = fsStat.free;
  pool.def.allocation = fsStat.capacity - fsStat.free;

  // libvirt's refresh replaces the definition's target permissions with the directory's
  // (live and, while no new definition is pending, inactive XML alike).
  TRY_ASSIGN(auto dirStat, ctx_.fs.stat(path));
  auto& perms = pool.def.target.perms;
  perms.mode = dirStat.mode & 0777;
  perms.uid = dirStat.uid;
  perms.gid = dirStat.gid;
  perms.label.clear();  // no security label without SELinux
  return ok();
}

Result<bool> DirBackend::checkPool(const PoolRuntime& pool) {
  return ctx_.fs.exists(pool.def.target.path);
}

Result<void> DirBackend::buildPool(PoolRuntime& pool, unsigned flags) {
  using namespace driver::build_pool;
  TRY(checkFlags(flags, kOverwrite | kNoOverwrite, "virStorageBackendFileSystemBuild"));
  if ((flags & kOverwrite) && (flags & kNoOverwrite)) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and "
                     "'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive");
  }
  const std::string& path = pool.def.target.path;
  if (path.empty() || path[0] != '/') {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "target path '" + path + "' is not absolute");
  }
  const std::string parent = parentDirectory(path);
  if (parent != "/")
    TRY(ctx_.fs.makeDirectories(parent, 0755));

  const auto& perms = pool.def.target.perms;
  const bool existed = ctx_.fs.exists(path);
  if (!existed) {
    auto made = ctx_.fs.makeDirectory(path, perms.mode.value_or(kDefaultPoolMode));
    if (!made && !ctx_.fs.exists(path)) {
      return reword(std::move(made).error(), "cannot create directory", "cannot create path");
    }
  } else {
    TRY_ASSIGN(auto st, ctx_.fs.stat(path));
    if (!st.isDirectory) {
      return systemError(ErrorDomain::Storage, ENOTDIR, "cannot create path '" + path + "'");
    }
    if (perms.mode)
      TRY(ctx_.fs.chmod(path, *perms.mode));
  }
  auto uid = ownerId(perms.uid);
  auto gid = ownerId(perms.gid);
  if (uid || gid)
    TRY(ctx_.fs.chown(path, uid, gid));
  return ok();
}

Result<void> DirBackend::startPool(PoolRuntime& pool) {
  TRY_ASSIGN(bool present, checkPool(pool));
  if (!present) {
    // libvirt fails in its directory helper: a system error from no particular module.
    return systemError(ErrorDomain::None, ENOENT,
                       "cannot open directory '" + pool.def.target.path + "'");
  }
  return ok();
}

Result<void> DirBackend::deletePool(PoolRuntime& pool, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendFileSystemDelete"));
  const std::string& path = pool.def.target.path;
  auto removed = ctx_.fs.removeDirectory(path);
  if (!removed) {
    return reword(std::move(removed).error(), "cannot remove directory '" + path + "'",
                  "failed to remove pool '" + path + "'");
  }
  return ok();
}

}  // namespace dir
}  // namespace virtus::storage
