// Splits a byte stream into lines (the protocol's framing), with a bound on a line's length
// so that a peer cannot make the other side buffer without end.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace virtus::lockd {

class LineBuffer {
 public:
  explicit LineBuffer(std::size_t maxLine) : maxLine_(maxLine) {}

  void append(std::string_view data) { data_.append(data); }

  // The next complete line without its newline ("\r\n" loses the "\r" too).
  std::optional<std::string> next();

  // A line without its newline has grown past the bound: the peer is broken or hostile.
  bool overflowed() const;

  bool empty() const { return data_.empty(); }

 private:
  std::size_t maxLine_;
  std::string data_;
  std::size_t scanned_ = 0;  // bytes of data_ known to hold no newline
};

}  // namespace virtus::lockd
