#include "lockd/line_buffer.h"

namespace virtus::lockd {

std::optional<std::string> LineBuffer::next() {
  std::size_t eol = data_.find('\n', scanned_);
  if (eol == std::string::npos) {
    scanned_ = data_.size();
    return std::nullopt;
  }
  std::string line = data_.substr(0, eol);
  data_.erase(0, eol + 1);
  scanned_ = 0;
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return line;
}

bool LineBuffer::overflowed() const {
  std::size_t eol = data_.find('\n');
  std::size_t pending = eol == std::string::npos ? data_.size() : eol;
  return pending > maxLine_;
}

}  // namespace virtus::lockd
