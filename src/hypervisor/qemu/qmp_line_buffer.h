// The bytes of a QMP stream cut into lines. QEMU writes one JSON object per line, ended by
// CRLF; a read may hold part of a line or several lines. Pure: no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace virtus::qemu {

class QmpLineBuffer {
 public:
  // libvirt bounds a monitor reply at 10 MiB: large enough for any real answer, small
  // enough that a confused peer cannot exhaust memory.
  static constexpr std::size_t kDefaultMaxLine = 10 * 1024 * 1024;

  explicit QmpLineBuffer(std::size_t maxLine = kDefaultMaxLine) : maxLine_(maxLine) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete line without its "\n" or "\r\n"; nullopt until one is complete.
  std::optional<std::string> next();

  // True when the unfinished line is longer than the limit (nothing more can be cut).
  bool overflowed() const;
  std::size_t maxLine() const { return maxLine_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;  // where the unread part of buffer_ begins
  std::size_t maxLine_;
};

}  // namespace virtus::qemu
