#include "storage/backends/gluster/gluster_copy.h"

#include <algorithm>
#include <vector>

namespace virtus::storage::gluster {

namespace {

constexpr std::size_t kChunk = 1 << 20;       // bytes read at once
constexpr std::size_t kZeroBlock = 64 << 10;  // zero blocks of this size are not written

bool allZero(const char* p, std::size_t n) {
  return std::all_of(p, p + n, [](char c) { return c == 0; });
}

// Copies [begin, end), which the source says holds data.
Result<std::uint64_t> copyExtent(GlusterFile& src, GlusterFile& dst, std::uint64_t begin,
                                 std::uint64_t end, std::uint64_t length,
                                 const driver::ProgressFn& progress, std::vector<char>& buf) {
  std::uint64_t written = 0;
  for (std::uint64_t off = begin; off < end;) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, end - off));
    TRY_ASSIGN(std::size_t got, src.readAt(off, std::span<char>(buf.data(), want)));
    if (got == 0)
      break;  // the source shrank meanwhile
    for (std::size_t pos = 0; pos < got;) {
      std::size_t n = std::min(kZeroBlock, got - pos);
      if (!allZero(buf.data() + pos, n)) {
        TRY(dst.writeAt(off + pos, std::span<const char>(buf.data() + pos, n)));
        written += n;
      }
      pos += n;
    }
    off += got;
    if (progress)
      progress(off, length);
  }
  return written;
}

}  // namespace

Result<std::uint64_t> copySparse(GlusterFile& src, GlusterFile& dst, std::uint64_t length,
                                 const driver::ProgressFn& progress) {
  std::vector<char> buf(kChunk);
  std::uint64_t written = 0;
  std::uint64_t off = 0;
  while (off < length) {
    auto data = src.nextData(off);
    if (!data) {
      if (data.error().code != ErrorCode::OperationUnsupported)
        return std::move(data).error();
      // The volume cannot tell holes: read everything, zero blocks are still skipped.
      TRY_ASSIGN(auto n, copyExtent(src, dst, off, length, length, progress, buf));
      return written + n;
    }
    if (!*data || **data >= length)
      break;
    TRY_ASSIGN(std::uint64_t hole, src.nextHole(**data));
    hole = std::min(std::max(hole, **data + 1), length);
    TRY_ASSIGN(auto n, copyExtent(src, dst, **data, hole, length, progress, buf));
    written += n;
    off = hole;
  }
  if (progress)
    progress(length, length);
  return written;
}

}  // namespace virtus::storage::gluster
