// Upload and download of an rbd volume (libvirt has neither for rbd): the image is opened
// once, then every chunk is one rbd_write / rbd_read under the watchdog, while the stream
// itself is read and written on the caller's thread. Sparse streams: holes become
// rbd_write_zeroes on upload; all-zero chunks travel as holes on download.
#include <algorithm>
#include <cerrno>

#include "driver/storage_flags.h"
#include "storage/backends/rbd/rbd_backend.h"
#include "storage/backends/rbd/rbd_image.h"

namespace virtus::storage::rbd {

namespace {

constexpr std::size_t kStreamChunk = 1 << 20;

Result<void> checkStreamFlags(unsigned flags, std::string_view function) {
  if (flags & ~driver::stream_flags::kSparseStream) {
    return makeError(
        ErrorCode::InvalidArg, ErrorDomain::Storage,
        "unsupported flags (0x" + std::to_string(flags) + ") in function " + std::string(function));
  }
  return ok();
}

// Closes an image on a worker when it goes out of scope: closing releases the image's lock
// and watch on the cluster, which may not answer.
struct ImageCloser {
  RbdBackend& backend;
  const model::PoolDef& def;
  std::shared_ptr<RbdImage>& image;
  ~ImageCloser() { backend.closeImage(def, std::move(image)); }
};

struct OpenedImage {
  std::shared_ptr<RbdImage> image;
  std::uint64_t size = 0;
};

bool allZero(const std::string& data) {
  return std::all_of(data.begin(), data.end(), [](char c) { return c == 0; });
}

}  // namespace

namespace {
// Opens `name` (read-only for downloads) on the pool's connection and stats it.
std::function<Result<OpenedImage>(RbdConnection&, Heartbeat&)> opener(const model::PoolDef& def,
                                                                      const std::string& name,
                                                                      bool readOnly,
                                                                      std::string action) {
  return [def, name, readOnly, action](RbdConnection& conn, Heartbeat&) -> Result<OpenedImage> {
    OpenedImage out;
    out.image = std::make_shared<RbdImage>();
    if (int rc = out.image->open(conn.ioctx(), name, readOnly); rc < 0)
      return rbdError(rc, opFor(def, conn, action, name));
    ImageStat st;
    if (int rc = statImage(out.image->get(), st); rc < 0)
      return rbdError(rc, opFor(def, conn, action, name));
    out.size = st.size;
    return out;
  };
}
}  // namespace

Result<void> RbdBackend::uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                                   std::uint64_t length, unsigned flags,
                                   driver::StreamSource& source,
                                   const driver::ProgressFn& progress) {
  TRY(checkStreamFlags(flags, "virStorageBackendRBDVolUpload"));
  const bool sparse = flags & driver::stream_flags::kSparseStream;
  const model::PoolDef def = pool.def;
  const std::string name = vol.name;
  TRY_ASSIGN(OpenedImage opened, call<OpenedImage>(pool.def, "upload to volume '" + name + "'",
                                                   opener(def, name, false, "upload to volume")));
  ImageCloser closer{*this, def, opened.image};
  if (offset > opened.size) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "offset " + std::to_string(offset) + " is beyond the capacity of volume '" +
                         name + "' (" + std::to_string(opened.size) + " bytes)");
  }
  const std::uint64_t end = length > 0 ? std::min(opened.size, offset + length) : opened.size;
  std::uint64_t pos = offset;
  auto image = opened.image;
  for (;;) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kStreamChunk, end - pos));
    TRY_ASSIGN(auto chunk, source.next(want ? want : 1));
    if (chunk.kind == driver::StreamChunk::Kind::End)
      break;
    std::uint64_t n =
        chunk.kind == driver::StreamChunk::Kind::Data ? chunk.data.size() : chunk.holeLength;
    if (chunk.kind == driver::StreamChunk::Kind::Hole && !sparse) {
      return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                       "a hole arrived on a stream that is not sparse");
    }
    if (pos + n > end) {
      return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                       "the upload goes beyond the end of volume '" + name + "' (" +
                           std::to_string(opened.size) + " bytes)");
    }
    const bool hole = chunk.kind == driver::StreamChunk::Kind::Hole;
    TRY(call<void>(def, "write to volume '" + name + "'",
                   [def, name, image, pos, n, hole, data = std::move(chunk.data)](
                       RbdConnection& conn, Heartbeat&) -> Result<void> {
                     ssize_t rc = hole ? rbd_write_zeroes(image->get(), pos, n, 0, 0)
                                       : rbd_write(image->get(), pos, data.size(), data.data());
                     if (rc < 0)
                       return rbdError(static_cast<int>(rc),
                                       opFor(def, conn, "write to volume", name));
                     return ok();
                   }));
    pos += n;
    if (progress)
      progress(pos - offset, end - offset);
  }
  return ok();
}

Result<void> RbdBackend::downloadVol(PoolRuntime& pool, const model::VolDef& vol,
                                     std::uint64_t offset, std::uint64_t length, unsigned flags,
                                     driver::StreamSink& sink, const driver::ProgressFn& progress) {
  TRY(checkStreamFlags(flags, "virStorageBackendRBDVolDownload"));
  const bool sparse = flags & driver::stream_flags::kSparseStream;
  const model::PoolDef def = pool.def;
  const std::string name = vol.name;
  TRY_ASSIGN(OpenedImage opened, call<OpenedImage>(pool.def, "download volume '" + name + "'",
                                                   opener(def, name, true, "download volume")));
  ImageCloser closer{*this, def, opened.image};
  if (offset > opened.size) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "offset " + std::to_string(offset) + " is beyond the end of volume '" + name +
                         "' (" + std::to_string(opened.size) + " bytes)");
  }
  const std::uint64_t end = length > 0 ? std::min(opened.size, offset + length) : opened.size;
  auto image = opened.image;
  for (std::uint64_t pos = offset; pos < end;) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(kStreamChunk, end - pos));
    TRY_ASSIGN(
        std::string data,
        call<std::string>(
            def, "read volume '" + name + "'",
            [def, name, image, pos, want](RbdConnection& conn, Heartbeat&) -> Result<std::string> {
              std::string buf(want, '\0');
              ssize_t rc = rbd_read(image->get(), pos, want, buf.data());
              if (rc < 0)
                return rbdError(static_cast<int>(rc), opFor(def, conn, "read volume", name));
              if (rc == 0) {
                return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                                 "unexpected end of RBD image '" + name + "'");
              }
              buf.resize(static_cast<std::size_t>(rc));
              return buf;
            }));
    if (sparse && allZero(data))
      TRY(sink.hole(data.size()));
    else
      TRY(sink.write(std::span<const char>(data.data(), data.size())));
    pos += data.size();
    if (progress)
      progress(pos - offset, end - offset);
  }
  return sink.finish();
}

void RbdBackend::closeImage(const model::PoolDef& def, std::shared_ptr<RbdImage> image) {
  if (!image)
    return;
  (void)call<bool>(def, "close volume",
                   [img = std::move(image)](RbdConnection&, Heartbeat&) mutable -> Result<bool> {
                     img.reset();
                     return true;
                   });
}

}  // namespace virtus::storage::rbd
