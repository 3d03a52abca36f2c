#include "hypervisor/qemu/qmp_line_buffer.h"

namespace virtus::qemu {

std::optional<std::string> QmpLineBuffer::next() {
  std::size_t end = buffer_.find('\n', start_);
  if (end == std::string::npos) {
    // Keep only the unfinished line, so the buffer does not grow with the stream.
    buffer_.erase(0, start_);
    start_ = 0;
    return std::nullopt;
  }
  std::size_t stop = end;
  if (stop > start_ && buffer_[stop - 1] == '\r')
    --stop;
  std::string line = buffer_.substr(start_, stop - start_);
  start_ = end + 1;
  return line;
}

bool QmpLineBuffer::overflowed() const {
  return buffer_.size() - start_ > maxLine_;
}

}  // namespace virtus::qemu
