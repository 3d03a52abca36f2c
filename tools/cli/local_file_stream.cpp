#include "cli/local_file_stream.h"

#include <algorithm>
#include <string>

namespace virtus::cli {

LocalFileSource::LocalFileSource(os::File& file, bool sparse) : file_(file), sparse_(sparse) {}

Result<driver::StreamChunk> LocalFileSource::next(std::size_t maxBytes) {
  if (!sized_) {
    TRY_ASSIGN(auto st, file_.stat());
    size_ = st.size;
    sized_ = true;
  }
  driver::StreamChunk chunk;
  if (offset_ >= size_ || maxBytes == 0) {
    chunk.kind = driver::StreamChunk::Kind::End;
    return chunk;
  }
  std::uint64_t dataEnd = size_;
  if (sparse_) {
    TRY_ASSIGN(auto data, file_.nextData(offset_));
    const std::uint64_t dataStart = data ? std::min(*data, size_) : size_;
    if (dataStart > offset_) {
      chunk.kind = driver::StreamChunk::Kind::Hole;
      chunk.holeLength = dataStart - offset_;
      offset_ = dataStart;
      return chunk;
    }
    TRY_ASSIGN(auto holeStart, file_.nextHole(offset_));
    dataEnd = std::min(std::max(holeStart, offset_ + 1), size_);
  }
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(maxBytes, dataEnd - offset_));
  chunk.kind = driver::StreamChunk::Kind::Data;
  chunk.data.resize(want);
  TRY_ASSIGN(std::size_t got, file_.readAt(offset_, std::span<char>(chunk.data)));
  if (got == 0) {
    // The file shrank under us: stop here rather than loop.
    chunk.kind = driver::StreamChunk::Kind::End;
    chunk.data.clear();
    size_ = offset_;
    return chunk;
  }
  chunk.data.resize(got);
  offset_ += got;
  return chunk;
}

LocalFileSink::LocalFileSink(os::File& file) : file_(file) {}

Result<void> LocalFileSink::write(std::span<const char> data) {
  TRY(file_.writeAt(offset_, data));
  offset_ += data.size();
  return ok();
}

Result<void> LocalFileSink::hole(std::uint64_t length) {
  if (length == 0)
    return ok();
  // Where the file already has bytes in that range, deallocate them; past its end, simply
  // skipping leaves the range unallocated.
  TRY_ASSIGN(auto st, file_.stat());
  if (st.size > offset_) {
    const std::uint64_t overlap = std::min(length, st.size - offset_);
    auto punched = file_.punchHole(offset_, overlap);
    if (!punched) {
      // No hole punching here (e.g. tmpfs of old kernels): write the zeros.
      std::string zeros(static_cast<std::size_t>(std::min<std::uint64_t>(overlap, 1 << 20)), '\0');
      for (std::uint64_t done = 0; done < overlap;) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), overlap - done));
        TRY(file_.writeAt(offset_ + done, std::span<const char>(zeros.data(), n)));
        done += n;
      }
    }
  }
  offset_ += length;
  return ok();
}

Result<void> LocalFileSink::finish() {
  TRY_ASSIGN(auto st, file_.stat());
  if (st.isRegular && st.size != offset_)
    TRY(file_.truncate(offset_));
  return file_.sync();
}

}  // namespace virtus::cli
