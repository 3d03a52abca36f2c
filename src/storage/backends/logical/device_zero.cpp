#include "storage/backends/logical/device_zero.h"

#include <algorithm>
#include <vector>

namespace virtus::storage::logical {

namespace {

constexpr std::size_t kChunk = 1024 * 1024;

Error systemError(std::string message) {
  return makeError(ErrorCode::SystemError, ErrorDomain::Storage, std::move(message));
}

Result<os::FilePtr> openDevice(os::FileSystem& fs, const std::string& device) {
  auto file = fs.open(device, os::OpenMode::ReadWrite);
  if (!file) {
    return systemError("Failed to open storage volume with path '" + device +
                       "': " + file.error().message);
  }
  return std::move(*file);
}

Result<void> writeZeros(os::File& file, std::uint64_t offset, std::uint64_t length,
                        const driver::ProgressFn& progress) {
  const std::vector<char> zeros(kChunk, 0);
  for (std::uint64_t done = 0; done < length;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, length - done));
    TRY(file.writeAt(offset + done, std::span<const char>(zeros.data(), n)));
    done += n;
    if (progress)
      progress(done, length);
  }
  return ok();
}

}  // namespace

Result<void> zeroDeviceEnds(os::FileSystem& fs, const std::string& device, std::uint64_t length) {
  TRY_ASSIGN(auto file, openDevice(fs, device));
  TRY_ASSIGN(auto st, file->stat());
  if (st.size < length) {
    return systemError("Failed to seek to " + std::to_string(length) +
                       " bytes to the end in volume with path '" + device +
                       "': the device holds only " + std::to_string(st.size) + " bytes");
  }
  TRY(writeZeros(*file, 0, length, {}));
  TRY(writeZeros(*file, st.size - length, length, {}));
  return file->sync();
}

Result<void> zeroWholeDevice(os::FileSystem& fs, const std::string& device,
                             std::uint64_t fallbackSize, const driver::ProgressFn& progress) {
  TRY_ASSIGN(auto file, openDevice(fs, device));
  TRY_ASSIGN(auto st, file->stat());
  const std::uint64_t size = st.size ? st.size : fallbackSize;
  TRY(writeZeros(*file, 0, size, progress));
  return file->sync();
}

}  // namespace virtus::storage::logical
