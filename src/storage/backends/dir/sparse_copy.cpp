#include "storage/backends/dir/sparse_copy.h"

#include <algorithm>
#include <string>
#include <vector>

namespace virtus::storage::dir {

namespace {

constexpr std::size_t kCopyBuffer = 1 << 20;
// The granularity of zero detection, as libvirt's minimum write block.
constexpr std::size_t kZeroBlock = 4096;

bool isZero(const char* p, std::size_t n) {
  // Compare against the first byte, which must itself be zero.
  return n == 0 || (p[0] == 0 && std::equal(p + 1, p + n, p));
}

// Writes buf at offset, skipping whole zero blocks when asked.
Result<std::uint64_t> writeSkippingZeros(os::File& dst, std::uint64_t offset, const char* buf,
                                         std::size_t n, bool skipZeroBlocks) {
  if (!skipZeroBlocks) {
    TRY(dst.writeAt(offset, std::span<const char>(buf, n)));
    return static_cast<std::uint64_t>(n);
  }
  std::uint64_t written = 0;
  std::size_t pos = 0;
  while (pos < n) {
    // Runs of non-zero blocks are written with one call.
    std::size_t runStart = pos;
    while (pos < n) {
      std::size_t len = std::min(kZeroBlock, n - pos);
      if (isZero(buf + pos, len))
        break;
      pos += len;
    }
    if (pos > runStart) {
      TRY(dst.writeAt(offset + runStart, std::span<const char>(buf + runStart, pos - runStart)));
      written += pos - runStart;
    }
    while (pos < n) {
      std::size_t len = std::min(kZeroBlock, n - pos);
      if (!isZero(buf + pos, len))
        break;
      pos += len;
    }
  }
  return written;
}

}  // namespace

Result<std::uint64_t> copySparse(os::File& src, os::File& dst, std::uint64_t length,
                                 bool skipZeroBlocks, const driver::ProgressFn& progress) {
  std::vector<char> buf(kCopyBuffer);
  std::uint64_t offset = 0;
  std::uint64_t written = 0;
  while (offset < length) {
    TRY_ASSIGN(auto data, src.nextData(offset));
    if (!data || *data >= length)
      break;
    TRY_ASSIGN(std::uint64_t holeAt, src.nextHole(*data));
    std::uint64_t end = std::min(holeAt, length);
    offset = *data;
    while (offset < end) {
      std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - offset));
      TRY_ASSIGN(std::size_t got, src.readAt(offset, std::span<char>(buf.data(), want)));
      if (got == 0) {
        return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                         "unexpected end of file '" + src.path() + "'");
      }
      TRY_ASSIGN(auto n, writeSkippingZeros(dst, offset, buf.data(), got, skipZeroBlocks));
      written += n;
      offset += got;
      if (progress)
        progress(offset, length);
    }
  }
  if (progress)
    progress(length, length);
  return written;
}

Result<void> writeZeros(os::File& file, std::uint64_t offset, std::uint64_t length) {
  const std::string zeros(std::min<std::uint64_t>(length, kCopyBuffer), '\0');
  while (length > 0) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(length, zeros.size()));
    TRY(file.writeAt(offset, std::span<const char>(zeros.data(), n)));
    offset += n;
    length -= n;
  }
  return ok();
}

}  // namespace virtus::storage::dir
