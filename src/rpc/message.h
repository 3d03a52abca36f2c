// One frame of libvirt's RPC: a length word that counts itself, a 24-byte header and an
// XDR payload (virnetprotocol.x).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace virtus::rpc {

inline constexpr std::uint32_t kRemoteProgram = 0x20008086;
inline constexpr std::uint32_t kRemoteVersion = 1;
inline constexpr std::uint32_t kKeepaliveProgram = 0x6b656570;  // "keep"
inline constexpr std::uint32_t kKeepaliveVersion = 1;
inline constexpr std::int32_t kKeepalivePing = 1;
inline constexpr std::int32_t kKeepalivePong = 2;

inline constexpr std::uint32_t kMessageMax = 33554432;  // VIR_NET_MESSAGE_MAX, bounds len - 4
inline constexpr std::uint32_t kHeaderSize = 24;
inline constexpr std::uint32_t kLengthSize = 4;
// How much raw data one STREAM frame carries (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX).
inline constexpr std::uint32_t kStreamChunkMax = 262120;

enum class MessageType : std::int32_t {
  Call = 0,
  Reply = 1,
  Message = 2,
  Stream = 3,
  CallWithFds = 4,
  ReplyWithFds = 5,
  StreamHole = 6,
};

enum class MessageStatus : std::int32_t {
  Ok = 0,
  Error = 1,
  Continue = 2,
};

struct MessageHeader {
  std::uint32_t program = kRemoteProgram;
  std::uint32_t version = kRemoteVersion;
  std::int32_t procedure = 0;
  MessageType type = MessageType::Call;
  std::uint32_t serial = 0;
  MessageStatus status = MessageStatus::Ok;
};

struct Message {
  MessageHeader header;
  std::string payload;
};

// A whole frame (length word included) for a header and payload.
std::string encodeFrame(const MessageHeader& header, std::string_view payload);
// Appends a frame to `out` (avoids a copy when batching).
void appendFrame(std::string& out, const MessageHeader& header, std::string_view payload);

// The header at the start of `body` (a frame without its length word); false if short.
bool decodeHeader(std::string_view body, MessageHeader& header);

}  // namespace virtus::rpc
