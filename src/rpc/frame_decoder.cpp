#include "rpc/frame_decoder.h"

#include "rpc/message.h"
#include "rpc/xdr.h"

namespace virtus::rpc {

std::optional<std::string> FrameDecoder::next() {
  if (failure_)
    return std::nullopt;
  std::size_t available = buffer_.size() - start_;
  if (available < kLengthSize) {
    if (start_ > 0 && start_ == buffer_.size()) {
      buffer_.clear();
      start_ = 0;
    }
    return std::nullopt;
  }
  XdrReader r(std::string_view(buffer_).substr(start_, kLengthSize));
  std::uint32_t length = r.u32();
  if (length < kLengthSize + kHeaderSize) {
    failure_ = "a message is shorter than its header";
    return std::nullopt;
  }
  if (length - kLengthSize > kMessageMax) {
    failure_ = "a message is longer than the 32 MiB limit";
    return std::nullopt;
  }
  if (available < length)
    return std::nullopt;
  std::string body = buffer_.substr(start_ + kLengthSize, length - kLengthSize);
  start_ += length;
  // Compact once the consumed prefix dominates, so the buffer does not grow forever.
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 65536 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return body;
}

}  // namespace virtus::rpc
