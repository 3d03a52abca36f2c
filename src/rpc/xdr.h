// XDR (RFC 4506) as libvirt's remote protocol uses it: big-endian, 4-byte aligned.
// XdrWriter appends to a buffer; XdrReader reads from one with a sticky failure, so that a
// decoder checks once at the end instead of after every field. Limits on strings and lists
// are enforced while decoding: a hostile length never allocates.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace virtus::rpc {

// libvirt's limits (virnetprotocol.x, remote_protocol.x).
inline constexpr std::uint32_t kStringMax = 4194304;  // REMOTE_STRING_MAX
inline constexpr std::uint32_t kListMax = 16384;      // REMOTE_*_LIST_MAX

class XdrWriter {
 public:
  explicit XdrWriter(std::string& out) : out_(out) {}

  void u32(std::uint32_t v) {
    char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out_.append(b, 4);
  }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  // Variable-length opaque or string: length, bytes, zero padding.
  void bytes(std::string_view data) {
    u32(static_cast<std::uint32_t>(data.size()));
    fixed(data);
  }
  // Fixed-length opaque: bytes and padding, no length.
  void fixed(std::string_view data) {
    out_.append(data);
    out_.append(padding(data.size()), '\0');
  }

  std::string& buffer() { return out_; }

  static std::size_t padding(std::size_t n) { return (4 - (n & 3)) & 3; }

 private:
  std::string& out_;
};

class XdrReader {
 public:
  explicit XdrReader(std::string_view in) : in_(in) {}

  bool ok() const { return failure_ == nullptr; }
  // Why decoding failed ("truncated", "string too long", …); null while ok().
  const char* failure() const { return failure_; }
  void fail(const char* why) {
    if (!failure_)
      failure_ = why;
  }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }

  std::uint32_t u32() {
    if (!take(4))
      return 0;
    const auto* p = reinterpret_cast<const unsigned char*>(in_.data() + pos_ - 4);
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
  }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::uint64_t u64() {
    std::uint64_t hi = u32();
    return (hi << 32) | u32();
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }

  // A variable-length opaque or string of at most `max` bytes.
  std::string_view bytes(std::uint32_t max) {
    std::uint32_t n = u32();
    if (!ok())
      return {};
    if (n > max) {
      fail("a string or opaque is longer than the protocol allows");
      return {};
    }
    return fixed(n);
  }
  std::string_view fixed(std::size_t n) {
    std::size_t padded = n + XdrWriter::padding(n);
    if (!take(padded))
      return {};
    // RFC 4506 pads with zeros. Accepting other bytes would let two different messages
    // mean the same thing and make a decoded value unable to reproduce its bytes.
    for (std::size_t i = pos_ - padded + n; i < pos_; ++i) {
      if (in_[i] != '\0') {
        fail("the padding of a string or opaque is not zero");
        return {};
      }
    }
    return in_.substr(pos_ - padded, n);
  }
  // A list count, checked against the list's maximum and against what is left (every
  // element takes at least 4 bytes), so that a hostile count never reserves memory.
  std::uint32_t count(std::uint32_t max, std::size_t minElementSize = 4) {
    std::uint32_t n = u32();
    if (!ok())
      return 0;
    if (n > max) {
      fail("a list is longer than the protocol allows");
      return 0;
    }
    if (minElementSize && n > remaining() / minElementSize) {
      fail("truncated message");
      return 0;
    }
    return n;
  }

 private:
  bool take(std::size_t n) {
    if (failure_)
      return false;
    if (n > remaining()) {
      fail("truncated message");
      pos_ = in_.size();
      return false;
    }
    pos_ += n;
    return true;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  const char* failure_ = nullptr;
};

}  // namespace virtus::rpc
