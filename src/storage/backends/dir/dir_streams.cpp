// Upload and download of a local volume, a file or a block device (libvirt's
// virStorageBackendVolUploadLocal / virStorageBackendVolDownloadLocal over an fd stream),
// sparse-aware: holes travel as holes.
#include <algorithm>
#include <string>
#include <vector>

#include "driver/storage_flags.h"
#include "os/file_system.h"
#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/dir/dir_errors.h"
#include "storage/backends/dir/local_streams.h"
#include "storage/backends/dir/sparse_copy.h"
#include "storage/backends/dir/volume_probe.h"

namespace virtus::storage::dir {

namespace {

constexpr std::size_t kStreamChunk = 1 << 20;

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

Result<void> rejectDirectory(const model::VolDef& vol) {
  if (vol.type == model::VolType::Dir) {
    return storageError(ErrorCode::OperationUnsupported,
                        "cannot stream directory volume '" + vol.name + "'");
  }
  return ok();
}

// Makes [offset, offset + length) of `file` a hole: punched where the file has bytes,
// extended (sparse) past its end. A regular file then ends at the hole's end, as libvirt's fd
// stream truncates it there (whatever followed is gone; later data extends it again).
Result<void> makeHole(os::File& file, std::uint64_t offset, std::uint64_t length) {
  TRY_ASSIGN(auto st, file.stat());
  const std::uint64_t end = offset + length;
  if (st.isRegular) {
    if (offset < st.size) {
      auto punched = file.punchHole(offset, std::min(end, st.size) - offset);
      if (!punched && punched.error().code != ErrorCode::OperationUnsupported)
        return std::move(punched).error();
      // Without hole punching the truncation below still drops what lies past the hole; the
      // part before it is zeroed by writing.
      if (!punched)
        TRY(writeZeros(file, offset, std::min(end, st.size) - offset));
    }
    return file.truncate(end);
  }
  if (offset < st.size) {
    const std::uint64_t inside = std::min(end, st.size) - offset;
    auto punched = file.punchHole(offset, inside);
    if (!punched) {
      if (punched.error().code != ErrorCode::OperationUnsupported) {
        return std::move(punched).error();
      }
      TRY(writeZeros(file, offset, inside));
    }
  }
  if (end > st.size)
    TRY(file.truncate(end));
  return ok();
}

Error streamFull() {
  return systemError(ErrorDomain::Streams, ENOSPC, "cannot write to stream");
}

}  // namespace

Result<void> uploadLocal(os::FileSystem& fs, const model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, driver::stream_flags::kSparseStream, "virStorageBackendVolUploadLocal"));
  TRY(rejectDirectory(vol));
  const bool sparse = flags & driver::stream_flags::kSparseStream;
  // Block volumes (partitions, LVs, zvols) are raw whatever their format names.
  const bool isRaw =
      vol.type == model::VolType::Block || vol.target.format.empty() || vol.target.format == "raw";
  if (isRaw && offset > vol.capacity) {
    return storageError(ErrorCode::InvalidArg,
                        "offset " + std::to_string(offset) + " is beyond the capacity of volume '" +
                            vol.name + "' (" + std::to_string(vol.capacity) + " bytes)");
  }
  TRY_ASSIGN(auto file, fs.open(vol.target.path, os::OpenMode::ReadWrite));
  std::uint64_t pos = offset;
  const bool bounded = length > 0;
  const std::uint64_t end = offset + length;
  for (;;) {
    std::size_t want = kStreamChunk;
    if (bounded)
      want = static_cast<std::size_t>(std::min<std::uint64_t>(want, end - pos));
    if (want == 0)
      want = 1;  // still ask, to see End (or an overflow)
    TRY_ASSIGN(auto chunk, source.next(want));
    if (chunk.kind == driver::StreamChunk::Kind::End)
      break;
    if (chunk.kind == driver::StreamChunk::Kind::Data) {
      if (bounded && pos + chunk.data.size() > end)
        return streamFull();
      TRY(file->writeAt(pos, std::span<const char>(chunk.data.data(), chunk.data.size())));
      pos += chunk.data.size();
    } else {
      if (!sparse) {
        return storageError(ErrorCode::InvalidArg, "a hole arrived on a stream that is not sparse");
      }
      // libvirt cuts a hole at the stream's length rather than failing.
      const std::uint64_t hole = bounded ? std::min(chunk.holeLength, end - pos) : chunk.holeLength;
      TRY(makeHole(*file, pos, hole));
      pos += hole;
    }
    if (progress)
      progress(pos - offset, length);
  }
  return file->sync();
}

Result<void> downloadLocal(os::FileSystem& fs, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, driver::stream_flags::kSparseStream, "virStorageBackendVolDownloadLocal"));
  TRY(rejectDirectory(vol));
  const bool sparse = flags & driver::stream_flags::kSparseStream;
  TRY_ASSIGN(auto file, fs.open(vol.target.path, os::OpenMode::Read));
  TRY_ASSIGN(auto st, file->stat());
  if (offset > st.size) {
    return storageError(ErrorCode::InvalidArg, "offset " + std::to_string(offset) +
                                                   " is beyond the end of volume '" + vol.name +
                                                   "' (" + std::to_string(st.size) + " bytes)");
  }
  const std::uint64_t end = length > 0 ? std::min(st.size, offset + length) : st.size;
  const std::uint64_t total = end - offset;
  std::vector<char> buf(kStreamChunk);
  std::uint64_t pos = offset;
  auto sendData = [&](std::uint64_t until) -> Result<void> {
    while (pos < until) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), until - pos));
      TRY_ASSIGN(std::size_t got, file->readAt(pos, std::span<char>(buf.data(), want)));
      if (got == 0) {
        return storageError(ErrorCode::InternalError,
                            "unexpected end of file '" + vol.target.path + "'");
      }
      TRY(sink.write(std::span<const char>(buf.data(), got)));
      pos += got;
      if (progress)
        progress(pos - offset, total);
    }
    return ok();
  };
  if (!sparse) {
    TRY(sendData(end));
  } else {
    while (pos < end) {
      TRY_ASSIGN(auto data, file->nextData(pos));
      std::uint64_t dataAt = data ? std::min(*data, end) : end;
      if (dataAt > pos) {
        TRY(sink.hole(dataAt - pos));
        pos = dataAt;
        if (progress)
          progress(pos - offset, total);
      }
      if (pos >= end)
        break;
      TRY_ASSIGN(std::uint64_t holeAt, file->nextHole(pos));
      TRY(sendData(std::min(holeAt, end)));
    }
  }
  return sink.finish();
}

Result<void> DirBackend::uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                                   std::uint64_t length, unsigned flags,
                                   driver::StreamSource& source,
                                   const driver::ProgressFn& progress) {
  (void)pool;
  TRY(uploadLocal(ctx_.fs, vol, offset, length, flags, source, progress));
  // What was uploaded may be an image of another format now.
  TRY(probeVolumeFile(ctx_.fs, vol));
  return ok();
}

Result<void> DirBackend::downloadVol(PoolRuntime& pool, const model::VolDef& vol,
                                     std::uint64_t offset, std::uint64_t length, unsigned flags,
                                     driver::StreamSink& sink, const driver::ProgressFn& progress) {
  (void)pool;
  return downloadLocal(ctx_.fs, vol, offset, length, flags, sink, progress);
}

}  // namespace virtus::storage::dir
