// Local files as the two ends of a volume stream: vol-upload reads one (reporting holes
// found with SEEK_DATA/SEEK_HOLE when the stream is sparse), vol-download writes one
// (skipping holes so that they stay unallocated, and punching them where data was).
#pragma once

#include <cstdint>

#include "driver/stream.h"
#include "os/file_system.h"

namespace virtus::cli {

class LocalFileSource final : public driver::StreamSource {
 public:
  // Reads `file` from offset 0 to its size. With sparse=false holes come back as zeros.
  LocalFileSource(os::File& file, bool sparse);

  Result<driver::StreamChunk> next(std::size_t maxBytes) override;

 private:
  os::File& file_;
  bool sparse_;
  bool sized_ = false;
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;
};

class LocalFileSink final : public driver::StreamSink {
 public:
  // Writes `file` from offset 0. The file is expected to be empty or to be overwritten;
  // finish() sets its size to the bytes and holes received.
  explicit LocalFileSink(os::File& file);

  Result<void> write(std::span<const char> data) override;
  Result<void> hole(std::uint64_t length) override;
  Result<void> finish() override;

  std::uint64_t offset() const { return offset_; }

 private:
  os::File& file_;
  std::uint64_t offset_ = 0;
};

}  // namespace virtus::cli
