// The gluster backend's volume operations. libvirt's gluster backend only lists and deletes;
// creation, resize and clone are Virtus's, done natively through gfapi.
#include <fcntl.h>

#include <algorithm>

#include "common/check_flags.h"
#include "driver/storage_flags.h"
#include "storage/backends/gluster/gluster_backend.h"
#include "storage/backends/gluster/gluster_copy.h"
#include "storage/backends/gluster/gluster_location.h"
#include "storage/backends/gluster/gluster_probe.h"
#include "storage/formats/image_probe.h"
#include "storage/formats/qcow2_writer.h"
#include "storage/qcow2_volume_options.h"
#include "storage/volume_copy_rules.h"

namespace virtus::storage::gluster {

namespace {

// libvirt's VIR_STORAGE_DEFAULT_VOL_PERM_MODE; directories must stay searchable.
constexpr std::uint32_t kDefaultVolMode = 0600;
constexpr std::uint32_t kDefaultDirMode = 0755;

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

Result<void> checkStorageFlags(unsigned flags, unsigned supported, std::string_view function) {
  return checkFlags(flags, supported, function, ErrorDomain::Storage);
}

// The path inside the gluster volume of one of the pool's volumes.
std::string pathOf(const GlusterConnection& conn, const model::VolDef& vol) {
  if (auto p = pathInVolumeOf(conn.location(), vol.target.path))
    return *p;
  return conn.location().dir + vol.name;
}

// Removes a half-built volume unless committed.
class RemoveOnFailure {
 public:
  RemoveOnFailure(GlusterConnection& conn, std::string path, bool isDir)
      : conn_(conn), path_(std::move(path)), isDir_(isDir) {}
  RemoveOnFailure(const RemoveOnFailure&) = delete;
  RemoveOnFailure& operator=(const RemoveOnFailure&) = delete;
  ~RemoveOnFailure() {
    if (armed_)
      (void)(isDir_ ? conn_.removeDirectory(path_) : conn_.removeFile(path_));
  }
  void commit() { armed_ = false; }

 private:
  GlusterConnection& conn_;
  std::string path_;
  bool isDir_;
  bool armed_ = true;
};

// Opens a new file exclusively; an existing one is VIR_ERR_STORAGE_VOL_EXIST naming the volume.
Result<std::unique_ptr<GlusterFile>> createFile(GlusterConnection& conn, const model::VolDef& vol,
                                                const std::string& path) {
  auto file =
      conn.open(path, O_CREAT | O_EXCL | O_RDWR, vol.target.perms.mode.value_or(kDefaultVolMode));
  if (!file && file.error().code == ErrorCode::StorageVolExist)
    return storageError(ErrorCode::StorageVolExist, "'" + vol.name + "'");
  return file;
}

}  // namespace

Result<void> GlusterBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  if (vol.name.empty() || vol.name.find('/') != std::string::npos) {
    return storageError(ErrorCode::OperationInvalid,
                        "volume name '" + vol.name + "' cannot contain '/'");
  }
  const std::string format = volumeFormat(vol);
  if (format != "raw" && format != "qcow2" && format != "dir") {
    return storageError(ErrorCode::NoSupport, "creation of '" + format +
                                                  "' volumes is not supported by the gluster "
                                                  "backend (only raw, qcow2 and dir)");
  }
  TRY_ASSIGN(auto conn, connection(pool.def));
  vol.type = format == "dir" ? model::VolType::Netdir : model::VolType::Network;
  vol.target.path = glusterVolumeUri(conn->location(), vol.name);
  vol.key = vol.target.path;
  TRY_ASSIGN(auto existing, conn->stat(conn->location().dir + vol.name, false));
  if (existing) {
    return storageError(ErrorCode::OperationInvalid,
                        "volume target path '" + vol.target.path + "' already exists");
  }
  return ok();
}

Result<void> GlusterBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  using namespace driver::create_vol;
  TRY(checkStorageFlags(flags, kPreallocMetadata, "virStorageBackendGlusterVolBuild"));
  if (vol.target.encryption) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "storage pool does not support encrypted volumes");
  }
  TRY_ASSIGN(auto conn, connection(pool.def));
  const std::string path = pathOf(*conn, vol);
  const std::string format = volumeFormat(vol);
  if (format == "raw")
    return buildRaw(*conn, vol, path, flags);
  if (format == "qcow2")
    return buildQcow2(*conn, vol, path, flags);
  if (format == "dir") {
    if (vol.backingStore) {
      return storageError(ErrorCode::NoSupport,
                          "backing storage not supported for directories volumes");
    }
    auto made = conn->makeDirectory(path, vol.target.perms.mode.value_or(kDefaultDirMode));
    if (!made && made.error().code == ErrorCode::StorageVolExist)
      return storageError(ErrorCode::StorageVolExist, "'" + vol.name + "'");
    return made;
  }
  return storageError(ErrorCode::NoSupport, "creation of '" + format +
                                                "' volumes is not supported by the gluster "
                                                "backend (only raw, qcow2 and dir)");
}

Result<void> GlusterBackend::buildRaw(GlusterConnection& conn, model::VolDef& vol,
                                      const std::string& path, unsigned flags) {
  if (flags & driver::create_vol::kPreallocMetadata) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "metadata preallocation is not supported for raw volumes");
  }
  if (vol.backingStore) {
    return storageError(ErrorCode::NoSupport, "backing storage not supported for raw volumes");
  }
  TRY_ASSIGN(auto file, createFile(conn, vol, path));
  RemoveOnFailure undo(conn, path, false);
  TRY(file->truncate(vol.capacity));
  const std::uint64_t alloc = std::min(vol.allocation, vol.capacity);
  if (alloc > 0)
    TRY(file->allocate(0, alloc));
  undo.commit();
  return ok();
}

Result<void> GlusterBackend::buildQcow2(GlusterConnection& conn, model::VolDef& vol,
                                        const std::string& path, unsigned flags) {
  if (vol.target.extendedL2) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "extended_l2 qcow2 volumes are not supported by the gluster backend");
  }
  TRY_ASSIGN(formats::Qcow2Options opts, qcow2OptionsFor(vol, flags));
  if (vol.backingStore) {
    const auto& backing = *vol.backingStore;
    std::string format = backing.format;
    auto inVolume = pathInVolumeOf(conn.location(), backing.path);
    if (inVolume) {
      // A backing file of this volume must exist; its format is probed when not given.
      auto opened = conn.open(*inVolume, O_RDONLY);
      if (!opened) {
        return storageError(
            ErrorCode::OperationInvalid,
            "inaccessible backing store volume " + backing.path + ": " + opened.error().message);
      }
      if (format.empty()) {
        GlusterFile& file = **opened;
        TRY_ASSIGN(auto st, file.stat());
        TRY_ASSIGN(auto info,
                   formats::probeImage(static_cast<std::uint64_t>(st.st_size),
                                       [&file](std::uint64_t offset, std::span<char> buf) {
                                         return file.readAt(offset, buf);
                                       }));
        format = std::string(formats::imageFormatName(info.format));
      }
    } else if (format.empty()) {
      return storageError(ErrorCode::ConfigUnsupported,
                          "the format of backing store '" + backing.path +
                              "' must be given: it is not in gluster pool '" + conn.poolName() +
                              "'");
    }
    auto fmt = formats::imageFormatFromName(format);
    if (!fmt) {
      return storageError(ErrorCode::InternalError,
                          "unknown storage vol backing store type '" + format + "'");
    }
    opts.backingFile = backing.path;
    opts.backingFormat = *fmt;
  }
  TRY_ASSIGN(opts, formats::validateQcow2Options(std::move(opts)));
  TRY_ASSIGN(auto layout, formats::layoutQcow2(opts));

  TRY_ASSIGN(auto file, createFile(conn, vol, path));
  RemoveOnFailure undo(conn, path, false);
  for (const auto& [offset, bytes] : layout.writes) {
    TRY(file->writeAt(offset, std::span<const char>(bytes.data(), bytes.size())));
  }
  TRY(file->truncate(layout.fileSize));
  undo.commit();
  return ok();
}

Result<void> GlusterBackend::buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                          const model::VolDef& source, unsigned flags,
                                          const driver::ProgressFn& progress) {
  using namespace driver::create_vol;
  TRY(checkStorageFlags(flags, kPreallocMetadata | kReflink,
                        "virStorageBackendGlusterVolBuildFrom"));
  if (flags & kReflink) {
    return storageError(ErrorCode::OperationUnsupported,
                        "reflink copies are not supported by the gluster backend");
  }
  if (flags & kPreallocMetadata) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "metadata preallocation is not supported for copies of volumes");
  }
  TRY(checkVolumeCopy(vol, source));
  const std::string dstFormat = volumeFormat(vol);
  const std::string srcFormat = volumeFormat(source);
  if (srcFormat != dstFormat) {
    return storageError(ErrorCode::NoSupport, "converting volume '" + source.name + "' from '" +
                                                  srcFormat + "' to '" + dstFormat +
                                                  "' is not supported by the gluster backend");
  }
  if (vol.backingStore) {
    return storageError(ErrorCode::NoSupport,
                        "a copy of a volume cannot have a backing store in the gluster backend");
  }
  TRY_ASSIGN(auto conn, connection(pool.def));
  auto srcPath = pathInVolumeOf(conn->location(), source.target.path);
  if (!srcPath) {
    return storageError(ErrorCode::NoSupport, "copying volume '" + source.target.path +
                                                  "' from outside gluster pool '" + pool.def.name +
                                                  "' is not supported");
  }
  const bool isRaw = srcFormat == "raw";
  if (!isRaw && vol.capacity > source.capacity) {
    return storageError(ErrorCode::NoSupport, "a copy of '" + srcFormat + "' volume '" +
                                                  source.name +
                                                  "' cannot be larger than the original in the "
                                                  "gluster backend");
  }
  auto opened = conn->open(*srcPath, O_RDONLY);
  if (!opened) {
    Error e = std::move(opened).error();
    return storageError(ErrorCode::SystemError,
                        "could not open input path '" + source.target.path + "': " + e.message);
  }
  GlusterFile& input = **opened;
  TRY_ASSIGN(auto st, input.stat());
  const auto inputSize = static_cast<std::uint64_t>(st.st_size);

  const std::string path = pathOf(*conn, vol);
  TRY_ASSIGN(auto output, createFile(*conn, vol, path));
  RemoveOnFailure undo(*conn, path, false);
  // A raw copy is as large as asked (never smaller than the source); an image keeps its file.
  const std::uint64_t size = isRaw ? std::max(vol.capacity, inputSize) : inputSize;
  TRY(output->truncate(size));
  TRY(copySparse(input, *output, std::min(inputSize, size), progress));
  if (isRaw)
    vol.capacity = size;
  undo.commit();
  return ok();
}

Result<void> GlusterBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  TRY_ASSIGN(auto conn, connection(pool.def));
  const std::string path = pathOf(*conn, vol);
  TRY_ASSIGN(auto st, conn->stat(path, false));
  if (!st) {
    return systemError(ErrorDomain::Storage, ENOENT, "cannot stat file '" + vol.target.path + "'");
  }
  model::VolDef fresh;
  TRY_ASSIGN(bool found, probeGlusterEntry(*conn, vol.name, *st, fresh));
  if (!found) {
    return systemError(ErrorDomain::Storage, ENOENT, "cannot stat file '" + vol.target.path + "'");
  }
  vol = std::move(fresh);
  return ok();
}

Result<std::optional<model::VolDef>> GlusterBackend::lookupVol(PoolRuntime& pool,
                                                               std::string_view name) {
  const std::string n(name);
  if (n.empty() || n.find('/') != std::string::npos || n == "." || n == "..")
    return std::optional<model::VolDef>();
  TRY_ASSIGN(auto conn, connection(pool.def));
  TRY_ASSIGN(auto st, conn->stat(conn->location().dir + n, false));
  if (!st)
    return std::optional<model::VolDef>();
  model::VolDef vol;
  TRY_ASSIGN(bool found, probeGlusterEntry(*conn, n, *st, vol));
  if (!found)
    return std::optional<model::VolDef>();
  return std::optional<model::VolDef>(std::move(vol));
}

Result<void> GlusterBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkStorageFlags(flags, 0, "virStorageBackendGlusterVolDelete"));
  if (vol.type != model::VolType::Network && vol.type != model::VolType::Netdir) {
    return storageError(
        ErrorCode::NoSupport,
        "removing of '" +
            std::string(vol.type == model::VolType::Dir     ? "dir"
                        : vol.type == model::VolType::Block ? "block"
                                                            : "file") +
            "' volumes is not supported by the gluster backend: " + vol.target.path);
  }
  TRY_ASSIGN(auto conn, connection(pool.def));
  const std::string path = pathOf(*conn, vol);
  if (vol.type == model::VolType::Netdir)
    return conn->removeDirectory(path);
  return conn->removeFile(path);
}

Result<void> GlusterBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol,
                                       std::uint64_t capacity, unsigned flags) {
  using namespace driver::resize_vol;
  TRY(checkStorageFlags(flags, kAllocate | kShrink, "virStorageBackendGlusterVolResize"));
  const std::string format = volumeFormat(vol);
  if (format != "raw" || vol.target.encryption) {
    return storageError(ErrorCode::NoSupport,
                        "resizing '" + format + (vol.target.encryption ? "' encrypted" : "'") +
                            " volumes is not supported by the gluster backend (raw only)");
  }
  if (capacity < vol.allocation) {
    return storageError(ErrorCode::InvalidArg, "can't shrink capacity below existing allocation");
  }
  if (capacity < vol.capacity && !(flags & kShrink)) {
    return storageError(ErrorCode::InvalidArg,
                        "Can't shrink capacity below current capacity unless shrink flag "
                        "explicitly specified");
  }
  TRY_ASSIGN(auto conn, connection(pool.def));
  const std::string path = pathOf(*conn, vol);
  TRY_ASSIGN(auto file, conn->open(path, O_RDWR));
  TRY_ASSIGN(auto st, file->stat());
  const auto oldSize = static_cast<std::uint64_t>(st.st_size);
  TRY(file->truncate(capacity));
  if ((flags & kAllocate) && capacity > oldSize) {
    auto allocated = file->allocate(oldSize, capacity - oldSize);
    if (!allocated) {
      (void)file->truncate(oldSize);
      return std::move(allocated).error();
    }
  }
  file.reset();
  return refreshVol(pool, vol);
}

}  // namespace virtus::storage::gluster
