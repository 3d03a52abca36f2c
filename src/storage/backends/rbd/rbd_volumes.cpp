// Volume operations of the rbd backend: create, clone, delete (with snapshots), resize,
// wipe. Each runs on the pool's connection under the watchdog.
#include <cerrno>
#include <random>
#include <vector>

#include "driver/storage_flags.h"
#include "storage/backends/rbd/rbd_backend.h"
#include "storage/backends/rbd/rbd_image.h"

namespace virtus::storage::rbd {

namespace {

Result<void> checkFlags(unsigned flags, unsigned supported, std::string_view function) {
  if (flags & ~supported) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%x", flags & ~supported);
    return makeError(
        ErrorCode::InvalidArg, ErrorDomain::Storage,
        "unsupported flags (" + std::string(hex) + ") in function " + std::string(function));
  }
  return ok();
}

bool isRaw(const model::VolDef& vol) {
  return vol.target.format.empty() || vol.target.format == "raw";
}

struct SnapInfo {
  std::string name;
  std::uint64_t id = 0;
};

// rc < 0 on failure.
int listSnapshots(rbd_image_t image, std::vector<SnapInfo>& out) {
  int max = 16;
  for (;;) {
    std::vector<rbd_snap_info_t> snaps(static_cast<std::size_t>(max) + 1);
    int rc = rbd_snap_list(image, snaps.data(), &max);
    if (rc == -ERANGE)
      continue;
    if (rc < 0)
      return rc;
    out.clear();
    for (int i = 0; i < rc; ++i)
      out.push_back(SnapInfo{snaps[i].name, snaps[i].id});
    rbd_snap_list_end(snaps.data());
    return 0;
  }
}

int stopAtFirstDiff(uint64_t, size_t, int, void* arg) {
  *static_cast<bool*>(arg) = true;
  return -1;  // any difference is enough
}

// A snapshot of `image` with no changes since (libvirt reuses one for clones), or "".
Result<std::string> unchangedSnapshot(rbd_image_t image, const RbdOp& op) {
  ImageStat st;
  if (int rc = statImage(image, st); rc < 0)
    return rbdError(rc, op);
  std::vector<SnapInfo> snaps;
  if (int rc = listSnapshots(image, snaps); rc < 0)
    return rbdError(rc, op);
  for (const auto& snap : snaps) {
    bool differs = false;
    int rc =
        rbd_diff_iterate2(image, snap.name.c_str(), 0, st.size, 0, 1, stopAtFirstDiff, &differs);
    if (rc < 0 && !differs)
      return rbdError(rc, op);
    if (!differs)
      return snap.name;
  }
  return std::string();
}

std::string newSnapshotName() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "virtus-%08x", static_cast<unsigned>(rd()));
  return buf;
}

}  // namespace

Result<void> RbdBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  if (!isRaw(vol)) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "only RAW volumes are supported by this storage pool");
  }
  TRY_ASSIGN(RbdPoolSpec spec, parsePoolSpec(pool.def));
  vol.type = model::VolType::Network;
  vol.target.format = "raw";
  vol.key = imagePath(spec, vol.name);
  vol.target.path = vol.key;
  return ok();
}

Result<void> RbdBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendRBDBuildVol"));
  if (vol.capacity == 0) {
    return makeError(ErrorCode::NoSupport, ErrorDomain::Storage,
                     "volume capacity required for this storage pool");
  }
  if (!isRaw(vol)) {
    return makeError(ErrorCode::NoSupport, ErrorDomain::Storage,
                     "only RAW volumes are supported by this storage pool");
  }
  if (vol.target.encryption) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "storage pool does not support encrypted volumes");
  }
  const model::PoolDef def = pool.def;
  const std::string name = vol.name;
  const std::uint64_t size = vol.capacity;
  return call<void>(pool.def, "create volume '" + name + "'",
                    [def, name, size](RbdConnection& conn, Heartbeat&) -> Result<void> {
                      // Order 0 and the cluster's default features (layering,
                      // exclusive-lock, object-map, fast-diff, deep-flatten), as libvirt.
                      int order = 0;
                      int rc = rbd_create(conn.ioctx(), name.c_str(), size, &order);
                      if (rc < 0)
                        return rbdError(rc, opFor(def, conn, "create volume", name));
                      return ok();
                    });
}

Result<void> RbdBackend::buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                      const model::VolDef& source, unsigned flags,
                                      const driver::ProgressFn& progress) {
  (void)progress;
  TRY(checkFlags(flags, 0, "virStorageBackendRBDBuildVolFrom"));
  const model::PoolDef def = pool.def;
  const std::string parent = source.name, child = vol.name;
  const std::uint64_t capacity = vol.capacity;
  return call<void>(
      pool.def, "clone volume '" + parent + "' to '" + child + "'",
      [def, parent, child, capacity](RbdConnection& conn, Heartbeat&) -> Result<void> {
        const RbdOp op = opFor(def, conn, "clone volume", parent);
        RbdImage image;
        if (int rc = image.open(conn.ioctx(), parent, /*readOnly=*/false); rc < 0)
          return rbdError(rc, op);
        std::uint8_t oldFormat = 0;
        if (int rc = rbd_get_old_format(image.get(), &oldFormat); rc < 0)
          return rbdError(rc, op);
        if (oldFormat) {
          return makeError(ErrorCode::OperationUnsupported, ErrorDomain::Storage,
                           "RBD image '" + parent +
                               "' is old format. Does not support extended features and "
                               "striping");
        }
        ImageStat st;
        std::uint64_t stripeUnit = 0, stripeCount = 0;
        if (int rc = statImage(image.get(), st); rc < 0)
          return rbdError(rc, op);
        if (int rc = rbd_get_stripe_unit(image.get(), &stripeUnit); rc < 0)
          return rbdError(rc, op);
        if (int rc = rbd_get_stripe_count(image.get(), &stripeCount); rc < 0)
          return rbdError(rc, op);
        TRY_ASSIGN(std::string snap, unchangedSnapshot(image.get(), op));
        if (snap.empty()) {
          snap = newSnapshotName();
          if (int rc = rbd_snap_create(image.get(), snap.c_str()); rc < 0)
            return rbdError(rc, opFor(def, conn, "snapshot volume", parent));
        }
        int isProtected = 0;
        if (int rc = rbd_snap_is_protected(image.get(), snap.c_str(), &isProtected); rc < 0)
          return rbdError(rc, op);
        if (!isProtected) {
          if (int rc = rbd_snap_protect(image.get(), snap.c_str()); rc < 0)
            return rbdError(rc, opFor(def, conn, "protect a snapshot of volume", parent));
        }
        int order = 0;
        int rc = rbd_clone2(conn.ioctx(), parent.c_str(), snap.c_str(), conn.ioctx(), child.c_str(),
                            st.features, &order, stripeUnit, stripeCount);
        if (rc < 0)
          return rbdError(rc, opFor(def, conn, "create volume", child));
        if (capacity > st.size) {
          RbdImage made;
          rc = made.open(conn.ioctx(), child, /*readOnly=*/false);
          if (rc >= 0)
            rc = rbd_resize(made.get(), capacity);
          if (rc < 0) {
            made.close();
            rbd_remove(conn.ioctx(), child.c_str());
            return rbdError(rc, opFor(def, conn, "resize volume", child));
          }
        }
        return ok();
      });
}

Result<void> RbdBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  using namespace driver::delete_vol;
  TRY(checkFlags(flags, kZeroed | kWithSnapshots, "virStorageBackendRBDDeleteVol"));
  const model::PoolDef def = pool.def;
  const std::string name = vol.name;
  const bool withSnapshots = flags & kWithSnapshots;
  return call<void>(
      pool.def, "delete volume '" + name + "'",
      [def, name, withSnapshots](RbdConnection& conn, Heartbeat& hb) -> Result<void> {
        if (withSnapshots) {
          RbdImage image;
          int rc = image.open(conn.ioctx(), name, /*readOnly=*/false);
          if (rc == -ENOENT)
            return ok();
          if (rc < 0)
            return rbdError(rc, opFor(def, conn, "delete volume", name));
          std::vector<SnapInfo> snaps;
          if (rc = listSnapshots(image.get(), snaps); rc < 0)
            return rbdError(rc, opFor(def, conn, "list the snapshots of volume", name));
          for (const auto& snap : snaps) {
            int isProtected = 0;
            if (rc = rbd_snap_is_protected(image.get(), snap.name.c_str(), &isProtected); rc < 0)
              return rbdError(rc, opFor(def, conn, "delete volume", name));
            if (isProtected) {
              if (rc = rbd_snap_unprotect(image.get(), snap.name.c_str()); rc < 0) {
                if (rc == -EBUSY) {
                  return makeError(ErrorCode::OperationInvalid, ErrorDomain::Storage,
                                   "cannot delete volume '" + name + "' of storage pool '" +
                                       def.name + "': its snapshot '" + snap.name + "' has clones");
                }
                return rbdError(rc, opFor(def, conn, "unprotect a snapshot of volume", name));
              }
            }
            if (rc = rbd_snap_remove(image.get(), snap.name.c_str()); rc < 0)
              return rbdError(rc, opFor(def, conn, "remove a snapshot of volume", name));
            hb.beat();
          }
        }
        int rc = rbd_remove(conn.ioctx(), name.c_str());
        if (rc == -ENOENT)
          return ok();  // as libvirt: already gone
        if (rc == -ENOTEMPTY) {
          return makeError(ErrorCode::OperationInvalid, ErrorDomain::Storage,
                           "cannot delete volume '" + name + "' of storage pool '" + def.name +
                               "': it has snapshots (delete it with snapshots, "
                               "VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS)");
        }
        if (rc < 0)
          return rbdError(rc, opFor(def, conn, "delete volume", name));
        return ok();
      });
}

Result<void> RbdBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                                   unsigned flags) {
  using namespace driver::resize_vol;
  // The manager has resolved kDelta and checked kShrink; preallocation is not a thing here.
  TRY(checkFlags(flags, kShrink, "virStorageBackendRBDResizeVol"));
  const model::PoolDef def = pool.def;
  const std::string name = vol.name;
  TRY(call<void>(pool.def, "resize volume '" + name + "'",
                 [def, name, capacity](RbdConnection& conn, Heartbeat&) -> Result<void> {
                   RbdImage image;
                   int rc = image.open(conn.ioctx(), name, /*readOnly=*/false);
                   if (rc >= 0)
                     rc = rbd_resize(image.get(), capacity);
                   if (rc < 0)
                     return rbdError(rc, opFor(def, conn, "resize volume", name));
                   return ok();
                 }));
  vol.capacity = capacity;
  return ok();
}

Result<void> RbdBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                 driver::WipeAlgorithm algorithm, unsigned flags,
                                 const driver::ProgressFn& progress) {
  (void)progress;  // the work runs on a worker that may outlive this call
  TRY(checkFlags(flags, 0, "virStorageBackendRBDVolWipe"));
  if (algorithm != driver::WipeAlgorithm::Zero && algorithm != driver::WipeAlgorithm::Trim) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "unsupported algorithm " + std::to_string(static_cast<int>(algorithm)));
  }
  const bool trim = algorithm == driver::WipeAlgorithm::Trim;
  const model::PoolDef def = pool.def;
  const std::string name = vol.name;
  return call<void>(pool.def, "wipe volume '" + name + "'",
                    [def, name, trim](RbdConnection& conn, Heartbeat& hb) -> Result<void> {
                      const RbdOp op = opFor(def, conn, "wipe volume", name);
                      RbdImage image;
                      if (int rc = image.open(conn.ioctx(), name, /*readOnly=*/false); rc < 0)
                        return rbdError(rc, op);
                      ImageStat st;
                      std::uint64_t stripeCount = 1;
                      if (int rc = statImage(image.get(), st); rc < 0)
                        return rbdError(rc, op);
                      if (int rc = rbd_get_stripe_count(image.get(), &stripeCount); rc < 0)
                        return rbdError(rc, op);
                      const std::uint64_t step = st.objSize * (stripeCount ? stripeCount : 1);
                      std::vector<char> zeros(trim ? 0 : step);
                      for (std::uint64_t off = 0; off < st.size; off += step) {
                        if (hb.abandoned())
                          break;
                        const std::uint64_t len = std::min(step, st.size - off);
                        ssize_t rc = trim ? rbd_discard(image.get(), off, len)
                                          : rbd_write(image.get(), off, len, zeros.data());
                        if (rc < 0)
                          return rbdError(static_cast<int>(rc), op);
                        hb.beat();
                      }
                      return ok();
                    });
}

}  // namespace virtus::storage::rbd
