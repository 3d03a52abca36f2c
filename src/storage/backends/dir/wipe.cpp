#include "storage/backends/dir/wipe.h"

#include "storage/backends/dir/dir_errors.h"
#include "storage/backends/dir/sparse_copy.h"

namespace virtus::storage::dir {

Result<os::FilePtr> openForWipe(os::FileSystem& fs, const std::string& path) {
  auto opened = fs.open(path, os::OpenMode::ReadWrite);
  if (!opened) {
    return reword(std::move(opened).error(), "cannot open file",
                  "Failed to open storage volume with path");
  }
  return std::move(*opened);
}

Result<void> zeroDeviceEnds(os::FileSystem& fs, const std::string& path, std::uint64_t length) {
  TRY_ASSIGN(auto file, openForWipe(fs, path));
  TRY_ASSIGN(auto st, file->stat());
  if (st.size < length) {
    return makeError(ErrorCode::SystemError, ErrorDomain::Storage,
                     "Failed to seek to " + std::to_string(length) +
                         " bytes to the end in volume with path '" + path +
                         "': the device holds only " + std::to_string(st.size) + " bytes");
  }
  TRY(writeZeros(*file, 0, length));
  TRY(writeZeros(*file, st.size - length, length));
  return file->sync();
}

Result<void> wipeZero(os::File& file, const driver::ProgressFn& progress) {
  TRY_ASSIGN(auto st, file.stat());
  const std::uint64_t size = st.size;
  if (st.isRegular && st.allocated < size) {
    TRY(file.truncate(0));
    TRY(file.truncate(size));
  } else {
    std::uint64_t offset = 0;
    while (offset < size) {
      TRY_ASSIGN(auto data, file.nextData(offset));
      if (!data || *data >= size)
        break;
      TRY_ASSIGN(std::uint64_t hole, file.nextHole(*data));
      if (hole > size)
        hole = size;
      // Bounded chunks so that progress moves on large extents.
      constexpr std::uint64_t kChunk = 16u << 20;
      for (offset = *data; offset < hole;) {
        std::uint64_t n = std::min(kChunk, hole - offset);
        TRY(writeZeros(file, offset, n));
        offset += n;
        if (progress)
          progress(offset, size);
      }
    }
  }
  TRY(file.sync());
  if (progress)
    progress(size, size);
  return ok();
}

Result<void> wipeTrim(os::File& file, const driver::ProgressFn& progress) {
  TRY_ASSIGN(auto st, file.stat());
  auto punched = file.punchHole(0, st.size);
  if (!punched) {
    if (punched.error().code != ErrorCode::OperationUnsupported)
      return std::move(punched).error();
    return wipeZero(file, progress);
  }
  TRY(file.sync());
  if (progress)
    progress(st.size, st.size);
  return ok();
}

}  // namespace virtus::storage::dir
