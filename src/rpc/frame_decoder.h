// Splits a byte stream into frames: several frames may arrive in one read and one frame
// may span many reads. A length outside libvirt's limits is fatal to the connection
// (libvirt closes it too: the stream cannot be resynchronised).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace virtus::rpc {

class FrameDecoder {
 public:
  // Appends received bytes.
  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete frame body (header + payload, without the length word), or nullopt
  // when more bytes are needed or the stream is broken (see failed()).
  std::optional<std::string> next();

  bool failed() const { return failure_ != nullptr; }
  const char* failure() const { return failure_; }
  // Bytes held that do not form a complete frame yet.
  std::size_t pending() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;
  const char* failure_ = nullptr;
};

}  // namespace virtus::rpc
