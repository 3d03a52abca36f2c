// Refresh of an rbd pool: cluster and pool usage, the image list, and each image opened
// read-only and stat'ed by a few worker threads (libvirt does them one by one).
#include <atomic>
#include <cerrno>
#include <thread>

#include "storage/backends/rbd/rbd_backend.h"
#include "storage/backends/rbd/rbd_image.h"

namespace virtus::storage::rbd {

namespace {

Result<std::vector<std::string>> listImages(RbdConnection& conn, const model::PoolDef& def) {
  std::size_t count = 64;
  std::vector<rbd_image_spec_t> specs;
  for (;;) {
    specs.assign(count, rbd_image_spec_t{});
    std::size_t got = count;
    int rc = rbd_list2(conn.ioctx(), specs.data(), &got);
    if (rc == -ERANGE) {
      count = got > count ? got : count * 2;
      continue;
    }
    if (rc < 0)
      return rbdError(rc, opFor(def, conn, "list the images"));
    std::vector<std::string> names;
    names.reserve(got);
    for (std::size_t i = 0; i < got; ++i)
      names.emplace_back(specs[i].name);
    rbd_image_spec_list_cleanup(specs.data(), got);
    return names;
  }
}

struct PoolUsage {
  std::uint64_t capacity = 0, available = 0, allocation = 0;
};

Result<PoolUsage> poolUsage(RbdConnection& conn, const model::PoolDef& def) {
  rados_cluster_stat_t cluster{};
  if (int rc = rados_cluster_stat(conn.cluster(), &cluster); rc < 0)
    return rbdError(rc, opFor(def, conn, "stat the RADOS cluster"));
  rados_pool_stat_t pool{};
  if (int rc = rados_ioctx_pool_stat(conn.ioctx(), &pool); rc < 0)
    return rbdError(rc, opFor(def, conn, "stat the RADOS pool"));
  return PoolUsage{cluster.kb * 1024, cluster.kb_avail * 1024, pool.num_bytes};
}

struct RefreshResult {
  PoolUsage usage;
  std::vector<model::VolDef> volumes;
  std::vector<std::pair<std::string, Error>> unreadable;
};

}  // namespace

Result<std::optional<model::VolDef>> readVolume(RbdConnection& conn, const std::string& poolName,
                                                const std::string& image, bool capacityAllocation) {
  model::PoolDef named;
  named.name = poolName;
  RbdImage handle;
  if (int rc = handle.open(conn.ioctx(), image, /*readOnly=*/true); rc < 0) {
    if (rc == -ENOENT)
      return std::optional<model::VolDef>();
    return rbdError(rc, opFor(named, conn, "open the RBD image", image));
  }
  ImageStat st;
  if (int rc = statImage(handle.get(), st); rc < 0)
    return rbdError(rc, opFor(named, conn, "stat the RBD image", image));
  model::VolDef vol;
  vol.name = image;
  vol.key = imagePath(conn.spec(), image);
  vol.target.path = vol.key;
  vol.type = model::VolType::Network;
  vol.target.format = "raw";
  vol.capacity = st.size;
  vol.hasCapacity = true;
  // As libvirt: the bytes of the objects that exist when fast-diff can say (unless the pool
  // asks for capacity), else objects * object size (the capacity, rounded up to objects).
  if (!capacityAllocation && st.fastDiffUsable()) {
    std::uint64_t used = 0;
    if (int rc = allocatedBytes(handle.get(), st.size, used); rc < 0)
      return rbdError(rc, opFor(named, conn, "read the allocation of the RBD image", image));
    vol.allocation = used;
  } else {
    vol.allocation = st.objSize * st.numObjs;
  }
  vol.hasAllocation = true;
  return std::optional<model::VolDef>(std::move(vol));
}

Result<void> RbdBackend::refreshPool(PoolRuntime& pool) {
  const bool capacityAllocation =
      pool.def.refreshVolumeAllocation == model::RefreshAllocation::Capacity;
  const model::PoolDef def = pool.def;
  const std::size_t threads = refreshThreads_;
  TRY_ASSIGN(
      RefreshResult result,
      call<RefreshResult>(
          pool.def, "refresh",
          [def, capacityAllocation, threads](RbdConnection& conn,
                                             Heartbeat& hb) -> Result<RefreshResult> {
            RefreshResult out;
            TRY_ASSIGN(out.usage, poolUsage(conn, def));
            hb.beat();
            TRY_ASSIGN(std::vector<std::string> names, listImages(conn, def));
            hb.beat();
            std::vector<std::optional<Result<std::optional<model::VolDef>>>> read(names.size());
            std::atomic<std::size_t> next{0};
            auto work = [&] {
              for (;;) {
                std::size_t i = next.fetch_add(1);
                if (i >= names.size() || hb.abandoned())
                  return;
                read[i].emplace(readVolume(conn, def.name, names[i], capacityAllocation));
                hb.beat();
              }
            };
            std::vector<std::thread> workers;
            const std::size_t n = std::min(threads, names.size());
            for (std::size_t t = 1; t < n; ++t)
              workers.emplace_back(work);
            work();
            for (auto& w : workers)
              w.join();
            for (std::size_t i = 0; i < names.size(); ++i) {
              if (!read[i])
                continue;  // abandoned: the result is dropped anyway
              auto& r = *read[i];
              if (!r) {
                out.unreadable.emplace_back(imagePath(conn.spec(), names[i]), r.error());
              } else if (*r) {
                out.volumes.push_back(std::move(**r));
              }
              // nullopt: removed since the listing, as libvirt skips it
            }
            return out;
          }));
  pool.def.capacity = result.usage.capacity;
  pool.def.available = result.usage.available;
  pool.def.allocation = result.usage.allocation;
  pool.volumes = std::move(result.volumes);
  pool.unreadable = std::move(result.unreadable);
  return ok();
}

Result<std::optional<model::VolDef>> RbdBackend::lookupVol(PoolRuntime& pool,
                                                           std::string_view name) {
  const bool capacityAllocation =
      pool.def.refreshVolumeAllocation == model::RefreshAllocation::Capacity;
  std::string image(name), poolName = pool.def.name;
  return call<std::optional<model::VolDef>>(
      pool.def, "look up volume '" + image + "'",
      [image, poolName, capacityAllocation](RbdConnection& conn, Heartbeat&) {
        return readVolume(conn, poolName, image, capacityAllocation);
      });
}

Result<void> RbdBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  TRY_ASSIGN(auto found, lookupVol(pool, vol.name));
  if (!found) {
    return makeError(ErrorCode::NoStorageVol, ErrorDomain::Storage,
                     "no storage vol with matching name '" + vol.name + "' in storage pool '" +
                         pool.def.name + "'");
  }
  vol.key = found->key;
  vol.target.path = found->target.path;
  vol.type = found->type;
  vol.target.format = found->target.format;
  vol.capacity = found->capacity;
  vol.hasCapacity = true;
  vol.allocation = found->allocation;
  vol.hasAllocation = true;
  return ok();
}

}  // namespace virtus::storage::rbd
