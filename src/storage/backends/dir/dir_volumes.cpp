// The dir backend's volume operations (libvirt's virStorageBackendFileSystemVol* and the
// storage_util.c helpers they use).
#include <algorithm>

#include "common/path_util.h"
#include "driver/storage_flags.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/dir/dir_errors.h"
#include "storage/backends/dir/qemu_img_commands.h"
#include "storage/backends/dir/rollback.h"
#include "storage/backends/dir/sparse_copy.h"
#include "storage/backends/dir/volume_probe.h"
#include "storage/backends/dir/wipe.h"
#include "storage/formats/image_probe.h"
#include "storage/formats/qcow2_writer.h"
#include "storage/qcow2_volume_options.h"
#include "storage/volume_copy_rules.h"

namespace virtus::storage::dir {

namespace {

// libvirt's VIR_STORAGE_DEFAULT_VOL_PERM_MODE.
constexpr std::uint32_t kDefaultVolMode = 0600;

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

std::uint32_t volMode(const model::VolDef& vol) {
  return vol.target.perms.mode.value_or(kDefaultVolMode);
}

}  // namespace

Result<void> DirBackend::applyOwnership(const model::VolDef& vol) {
  auto uid = ownerId(vol.target.perms.uid);
  auto gid = ownerId(vol.target.perms.gid);
  if (!uid && !gid)
    return ok();
  TRY_ASSIGN(auto st, ctx_.fs.stat(vol.target.path));
  if (uid && *uid == st.uid)
    uid.reset();
  if (gid && *gid == st.gid)
    gid.reset();
  if (!uid && !gid)
    return ok();
  return ctx_.fs.chown(vol.target.path, uid, gid);
}

Result<void> DirBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  if (vol.name.find('/') != std::string::npos) {
    return storageError(ErrorCode::OperationInvalid,
                        "volume name '" + vol.name + "' cannot contain '/'");
  }
  const std::string format = volumeFormat(vol);
  vol.type = format == "dir"     ? model::VolType::Dir
             : format == "ploop" ? model::VolType::Ploop
                                 : model::VolType::File;
  const std::string& dir = pool.def.target.path;
  vol.target.path = joinPath(dir, vol.name);
  vol.key = vol.target.path;
  if (ctx_.fs.lstat(vol.target.path)) {
    return storageError(ErrorCode::OperationInvalid,
                        "volume target path '" + vol.target.path + "' already exists");
  }
  return ok();
}

Result<void> DirBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  using namespace driver::create_vol;
  TRY(checkFlags(flags, kPreallocMetadata | kReflink, "virStorageBackendFileSystemVolBuild"));
  const std::string format = volumeFormat(vol);
  if (format == "raw")
    return buildRaw(vol, nullptr, flags, {});
  if (format == "dir")
    return buildDirVolume(vol);
  if (format == "ploop") {
    return storageError(ErrorCode::NoSupport, "creation of ploop volumes is not supported");
  }
  // The native writer covers every qcow2 feature but encryption and extended L2 entries.
  if (format == "qcow2" && !vol.target.encryption && !vol.target.extendedL2) {
    return buildQcow2Native(vol, flags);
  }
  std::string backingFormat;
  if (vol.backingStore) {
    TRY_ASSIGN(backingFormat, backingFormatOf(pool, vol));
  }
  TRY_ASSIGN(auto cmd, buildQemuImgCreate(vol, backingFormat, flags));
  return runQemuImgBuild(vol, cmd);
}

Result<void> DirBackend::buildRaw(model::VolDef& vol, const model::VolDef* source, unsigned flags,
                                  const driver::ProgressFn& progress) {
  using namespace driver::create_vol;
  const bool isRaw = volumeFormat(vol) == "raw";
  if (isRaw && (flags & kPreallocMetadata)) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "metadata preallocation is not supported for raw volumes");
  }
  if (isRaw && vol.backingStore) {
    return storageError(ErrorCode::NoSupport, "backing storage not supported for raw volumes");
  }
  if (vol.target.encryption) {
    return storageError(ErrorCode::ConfigUnsupported,
                        "storage pool does not support encrypted volumes");
  }

  os::FilePtr input;
  std::uint64_t inputSize = 0;
  if (source) {
    auto opened = ctx_.fs.open(source->target.path, os::OpenMode::Read);
    if (!opened) {
      return reword(std::move(opened).error(), "cannot open file", "could not open input path");
    }
    input = std::move(*opened);
    TRY_ASSIGN(auto st, input->stat());
    inputSize = st.size;
    vol.capacity = std::max(vol.capacity, source->capacity);
  }

  Rollback rollback;
  const std::uint32_t mode = volMode(vol);
  TRY_ASSIGN(auto file, ctx_.fs.open(vol.target.path, os::OpenMode::CreateExclusive, mode));
  rollback.add([this, path = vol.target.path] { (void)ctx_.fs.removeFile(path); });
  TRY(applyOwnership(vol));

  // A clone asked to be sparse (allocation below the source's size) needs no allocation.
  bool needAlloc = !(source && vol.allocation < inputSize);
  if (source) {
    const bool mustReflink = flags & kReflink;
    if (mustReflink || !needAlloc) {
      TRY_ASSIGN(bool cloned, file->cloneFrom(*input));
      if (cloned) {
        if (vol.capacity > inputSize)
          TRY(file->truncate(vol.capacity));
        if (progress)
          progress(inputSize, inputSize);
        TRY(file->sync());
        rollback.commit();
        return ok();
      }
      if (mustReflink) {
        return systemError(ErrorDomain::Storage, EOPNOTSUPP,
                           "failed to clone files from '" + source->target.path + "'");
      }
    }
  }

  TRY(file->truncate(vol.capacity));
  if (vol.allocation > 0 && needAlloc) {
    auto allocated = file->allocate(0, vol.allocation);
    if (allocated) {
      needAlloc = false;
    } else if (allocated.error().code != ErrorCode::OperationUnsupported) {
      return std::move(allocated).error();
    }
  }
  std::uint64_t pos = 0;
  if (source) {
    std::uint64_t length = std::min(inputSize, vol.capacity);
    // Zero blocks may be skipped: the new file reads as zeros wherever nothing is written
    // (holes, or space fallocate already reserved).
    TRY(copySparse(*input, *file, length, !needAlloc, progress));
    pos = length;
  }
  if (needAlloc && vol.allocation > pos) {
    auto filled = writeZeros(*file, pos, vol.allocation - pos);
    if (!filled) {
      return reword(std::move(filled).error(), "cannot write file", "cannot fill file");
    }
  }
  TRY(file->sync());
  rollback.commit();
  return ok();
}

Result<void> DirBackend::cloneImageFile(model::VolDef& vol, const model::VolDef& source,
                                        const driver::ProgressFn& progress) {
  auto opened = ctx_.fs.open(source.target.path, os::OpenMode::Read);
  if (!opened) {
    return reword(std::move(opened).error(), "cannot open file", "could not open input path");
  }
  os::FilePtr input = std::move(*opened);
  TRY_ASSIGN(auto st, input->stat());
  Rollback rollback;
  TRY_ASSIGN(auto file, ctx_.fs.open(vol.target.path, os::OpenMode::CreateExclusive, volMode(vol)));
  rollback.add([this, path = vol.target.path] { (void)ctx_.fs.removeFile(path); });
  TRY(applyOwnership(vol));
  // The file as it is, never grown to the capacity: an image's size is its own.
  TRY_ASSIGN(bool cloned, file->cloneFrom(*input));
  if (!cloned) {
    return systemError(ErrorDomain::Storage, EOPNOTSUPP,
                       "failed to clone files from '" + source.target.path + "'");
  }
  if (progress)
    progress(st.size, st.size);
  TRY(file->sync());
  rollback.commit();
  return ok();
}

Result<void> DirBackend::buildDirVolume(model::VolDef& vol) {
  if (vol.backingStore) {
    return storageError(ErrorCode::NoSupport,
                        "backing storage not supported for directories volumes");
  }
  Rollback rollback;
  TRY(ctx_.fs.makeDirectory(vol.target.path, volMode(vol)));
  rollback.add([this, path = vol.target.path] { (void)ctx_.fs.removeDirectory(path); });
  TRY(applyOwnership(vol));
  rollback.commit();
  return ok();
}

Result<std::string> DirBackend::backingFormatOf(const PoolRuntime& pool, const model::VolDef& vol) {
  const auto& backing = *vol.backingStore;
  const std::string path = resolveRelativeTo(pool.def.target.path, backing.path);
  auto opened = ctx_.fs.open(path, os::OpenMode::Read);
  if (!opened) {
    return reword(std::move(opened).error(), "cannot open file '" + path + "'",
                  "inaccessible backing store volume " + backing.path);
  }
  if (!backing.format.empty())
    return backing.format;
  os::File& file = **opened;
  TRY_ASSIGN(auto st, file.stat());
  auto info = formats::probeImage(st.size, [&file](std::uint64_t offset, std::span<char> buf) {
    return file.readAt(offset, buf);
  });
  if (!info)
    return std::move(info).error();
  return std::string(formats::imageFormatName(info->format));
}

Result<void> DirBackend::buildQcow2Native(model::VolDef& vol, unsigned flags) {
  TRY_ASSIGN(formats::Qcow2Options opts, qcow2OptionsFor(vol, flags));
  if (vol.backingStore) {
    PoolRuntime scratch;
    scratch.def.target.path = parentDirectory(vol.target.path);
    TRY_ASSIGN(auto backingFormat, backingFormatOf(scratch, vol));
    auto fmt = formats::imageFormatFromName(backingFormat);
    if (!fmt) {
      return storageError(ErrorCode::InternalError,
                          "unknown storage vol backing store type '" + backingFormat + "'");
    }
    opts.backingFile = vol.backingStore->path;
    opts.backingFormat = *fmt;
  }
  TRY_ASSIGN(opts, formats::validateQcow2Options(std::move(opts)));
  TRY_ASSIGN(auto layout, formats::layoutQcow2(opts));

  Rollback rollback;
  const std::uint32_t mode = volMode(vol);
  TRY_ASSIGN(auto file, ctx_.fs.open(vol.target.path, os::OpenMode::CreateExclusive, mode));
  rollback.add([this, path = vol.target.path] { (void)ctx_.fs.removeFile(path); });
  TRY(applyOwnership(vol));
  for (const auto& [offset, bytes] : layout.writes) {
    TRY(file->writeAt(offset, std::span<const char>(bytes.data(), bytes.size())));
  }
  TRY(file->truncate(layout.fileSize));
  // Usually no fsync: the metadata is a few clusters, and on ext4 syncing a fresh file also
  // makes its later unlink wait for a journal commit (milliseconds instead of microseconds).
  // But a file of more than 4 separate extents gets an extent tree block from ext4 only when
  // written back, and `qemu-img create` flushes before it exits: sync those (metadata-
  // preallocated images with several L2 tables) so that the allocation reads the same.
  std::size_t extents = 0;
  std::uint64_t end = 0;
  for (const auto& [offset, bytes] : layout.writes) {
    extents += offset != end || extents == 0;
    end = offset + bytes.size();
  }
  if (extents > 4)
    TRY(file->sync());
  rollback.commit();
  return ok();
}

Result<void> DirBackend::runQemuImgBuild(model::VolDef& vol, const os::Command& cmd) {
  // qemu-img would overwrite: never let a rollback remove a file this build did not create.
  if (ctx_.fs.lstat(vol.target.path)) {
    return storageError(ErrorCode::OperationInvalid,
                        "volume target path '" + vol.target.path + "' already exists");
  }
  Rollback rollback;
  rollback.add([this, path = vol.target.path] {
    if (ctx_.fs.lstat(path))
      (void)ctx_.fs.removeFile(path);
  });
  TRY(os::runChecked(ctx_.commands, cmd));
  TRY(ctx_.fs.chmod(vol.target.path, volMode(vol)));
  TRY(applyOwnership(vol));
  rollback.commit();
  return ok();
}

Result<void> DirBackend::buildVolFrom(PoolRuntime& pool, model::VolDef& vol,
                                      const model::VolDef& source, unsigned flags,
                                      const driver::ProgressFn& progress) {
  using namespace driver::create_vol;
  (void)pool;
  TRY(checkFlags(flags, kPreallocMetadata | kReflink, "virStorageBackendFileSystemVolBuildFrom"));
  TRY(checkVolumeCopy(vol, source));
  const std::string dstFormat = volumeFormat(vol);
  const std::string srcFormat = volumeFormat(source);
  vol.capacity = std::max(vol.capacity, source.capacity);
  if (srcFormat == "raw" && dstFormat == "raw")
    return buildRaw(vol, &source, flags, progress);

  // A reflink asked for explicitly clones the file's bytes, which are the image when the
  // format and size stay and nothing is layered. Otherwise the image is converted as libvirt
  // does (qemu-img convert): a compact image holding the source's data, laid out afresh.
  const bool sameImage = srcFormat == dstFormat && !source.backingStore && !vol.backingStore &&
                         vol.capacity == source.capacity && !(flags & kPreallocMetadata);
  if (sameImage && (flags & kReflink))
    return cloneImageFile(vol, source, progress);
  if (flags & kReflink) {
    return storageError(ErrorCode::OperationUnsupported,
                        "reflink copy of volume '" + source.name + "' requires the same format");
  }
  TRY_ASSIGN(auto cmd, buildQemuImgConvert(vol, source, flags));
  if (progress)
    progress(0, source.capacity);
  {
    Rollback rollback;
    rollback.add([this, path = vol.target.path] {
      if (ctx_.fs.lstat(path))
        (void)ctx_.fs.removeFile(path);
    });
    TRY(runQemuImgBuild(vol, cmd));
    if (vol.capacity > source.capacity) {
      TRY(os::runChecked(ctx_.commands, buildQemuImgResize(vol.target.path, vol.capacity, false)));
    }
    rollback.commit();
  }
  if (progress)
    progress(source.capacity, source.capacity);
  return ok();
}

Result<void> DirBackend::refreshVol(PoolRuntime& pool, model::VolDef& vol) {
  (void)pool;
  TRY_ASSIGN(auto outcome, probeVolumeFile(ctx_.fs, vol));
  if (outcome == ProbeOutcome::Skipped) {
    return systemError(ErrorDomain::Storage, ENOENT, "cannot stat file '" + vol.target.path + "'");
  }
  return ok();
}

Result<void> DirBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  (void)pool;
  TRY(checkFlags(flags, 0, "virStorageBackendFileSystemVolDelete"));
  switch (vol.type) {
    case model::VolType::File:
    case model::VolType::Dir: {
      const bool isDir = vol.type == model::VolType::Dir;
      auto removed =
          isDir ? ctx_.fs.removeDirectory(vol.target.path) : ctx_.fs.removeFile(vol.target.path);
      if (!removed) {
        // Already gone (deleted behind our back) is what the caller wanted.
        if (!ctx_.fs.lstat(vol.target.path))
          return ok();
        return std::move(removed).error();  // "cannot unlink file" / "cannot remove directory"
      }
      return ok();
    }
    case model::VolType::Ploop:
      return storageError(ErrorCode::NoSupport,
                          "removing ploop volumes is not supported: " + vol.target.path);
    case model::VolType::Block:
    case model::VolType::Network:
    case model::VolType::Netdir:
      return storageError(ErrorCode::NoSupport,
                          "removing block or network volumes is not supported: " + vol.target.path);
  }
  return ok();
}

Result<void> DirBackend::resizeVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t capacity,
                                   unsigned flags) {
  using namespace driver::resize_vol;
  TRY(checkFlags(flags, kAllocate | kShrink, "virStorageBackendFileSystemVolResize"));
  if (capacity < vol.allocation) {
    return storageError(ErrorCode::InvalidArg, "can't shrink capacity below existing allocation");
  }
  if (capacity < vol.capacity && !(flags & kShrink)) {
    return storageError(ErrorCode::InvalidArg,
                        "Can't shrink capacity below current capacity unless shrink flag "
                        "explicitly specified");
  }
  if ((flags & kAllocate) && capacity > vol.allocation &&
      capacity - vol.allocation > pool.def.available) {
    return storageError(ErrorCode::OperationFailed, "Not enough space left in storage pool");
  }
  const std::string format = volumeFormat(vol);
  if (format == "raw" && !vol.target.encryption) {
    auto opened = ctx_.fs.open(vol.target.path, os::OpenMode::ReadWrite);
    if (!opened) {
      return reword(std::move(opened).error(), "cannot open file", "Unable to open");
    }
    auto& file = **opened;
    TRY_ASSIGN(auto st, file.stat());
    if ((flags & kAllocate) && capacity > st.size) {
      TRY(file.truncate(capacity));
      auto allocated = file.allocate(st.size, capacity - st.size);
      if (!allocated) {
        if (allocated.error().code != ErrorCode::OperationUnsupported) {
          (void)file.truncate(st.size);
          return reword(std::move(allocated).error(), "cannot allocate",
                        "Failed to pre-allocate space for file");
        }
        auto zeroed = writeZeros(file, st.size, capacity - st.size);
        if (!zeroed) {
          (void)file.truncate(st.size);
          return std::move(zeroed).error();
        }
      }
    } else {
      auto truncated = file.truncate(capacity);
      if (!truncated) {
        return reword(std::move(truncated).error(), "cannot truncate file",
                      "Failed to truncate file");
      }
    }
    TRY(file.sync());
  } else if (flags & kAllocate) {
    return storageError(ErrorCode::OperationUnsupported,
                        "preallocate is only supported for raw type volume");
  } else if (format == "dir" || format == "ploop") {
    return storageError(ErrorCode::NoSupport, "resizing '" + format + "' volumes is not supported");
  } else {
    TRY(os::runChecked(ctx_.commands,
                       buildQemuImgResize(vol.target.path, capacity, capacity < vol.capacity)));
  }
  TRY(probeVolumeFile(ctx_.fs, vol));
  return ok();
}

Result<void> DirBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                 driver::WipeAlgorithm algorithm, unsigned flags,
                                 const driver::ProgressFn& progress) {
  (void)pool;
  TRY(checkFlags(flags, 0, "virStorageBackendVolWipeLocal"));
  if (vol.type == model::VolType::Dir) {
    return storageError(ErrorCode::OperationUnsupported,
                        "cannot wipe directory volume '" + vol.name + "'");
  }
  if (auto pattern = scrubPatternName(algorithm)) {
    TRY(os::runChecked(ctx_.commands, buildScrub(*pattern, vol.target.path)));
  } else {
    TRY_ASSIGN(auto file, openForWipe(ctx_.fs, vol.target.path));
    if (algorithm == driver::WipeAlgorithm::Trim) {
      TRY(wipeTrim(*file, progress));
    } else {
      TRY(wipeZero(*file, progress));
    }
  }
  TRY(probeVolumeFile(ctx_.fs, vol));
  return ok();
}

}  // namespace virtus::storage::dir
