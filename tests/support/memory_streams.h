// In-memory ends of a volume stream for tests: a source that hands out a string in chunks
// and a sink that collects what it is given (holes as zeros). Header-only.
#pragma once

#include <span>
#include <string>

#include "driver/stream.h"

namespace virtus::testing {

class ChunkSource final : public driver::StreamSource {
 public:
  explicit ChunkSource(std::string data) : data_(std::move(data)) {}
  Result<driver::StreamChunk> next(std::size_t maxBytes) override {
    if (data_.empty())
      return driver::StreamChunk{};
    driver::StreamChunk chunk{driver::StreamChunk::Kind::Data, data_.substr(0, maxBytes), 0};
    data_.erase(0, chunk.data.size());
    return chunk;
  }

 private:
  std::string data_;
};

class StringSink final : public driver::StreamSink {
 public:
  Result<void> write(std::span<const char> bytes) override {
    content.append(bytes.data(), bytes.size());
    return ok();
  }
  Result<void> hole(std::uint64_t length) override {
    content.append(length, '\0');
    return ok();
  }
  Result<void> finish() override { return ok(); }
  std::string content;
};

}  // namespace virtus::testing
